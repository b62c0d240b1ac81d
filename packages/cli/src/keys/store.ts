/**
 * Where key files live: a user-level directory outside any project by default
 * (`$XDG_CONFIG_HOME/fedkit/keys/<site>/`, else `~/.config/...`), or a directory the user names, refused when it
 * sits inside a git work tree that does not ignore it (`git add -A` would commit a signing key). Files are
 * written with mode 0600 in a 0700 directory, through a temporary file and a rename.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { refusal, usageError } from "../io.js";
import type { IssuerKeyDocument } from "../issuer-api.js";
import type { ContextKeys } from "./lifecycle.js";

/** The key directory of a site: `--dir`, else `$XDG_CONFIG_HOME/fedkit/keys/<site>`. @internal */
export function keyDirectory(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  site: string,
  dir?: string,
): string {
  if (dir !== undefined) return resolve(cwd, dir);
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(site) || site.startsWith(".")) {
    throw usageError(
      `--site ${JSON.stringify(site)} is not a usable directory name.`,
      "Use the site id or name.",
    );
  }
  const base = env["XDG_CONFIG_HOME"] || join(env["HOME"] || homedir(), ".config");
  return join(base, "fedkit", "keys", site);
}

/**
 * Refuses a key directory inside a git work tree unless git ignores it: checked on the nearest existing
 * ancestor, so a directory about to be created is covered too.
 * @internal
 */
export function checkNotCommittable(dir: string): void {
  let probe = dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  let top: string;
  try {
    top = execFileSync("git", ["-C", probe, "rev-parse", "--show-toplevel"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return; // not in a work tree (or no git): nothing can commit it by accident
  }
  try {
    // `check-ignore` answers for paths that do not exist yet; a file inside the directory is what git would add.
    execFileSync("git", ["-C", top, "check-ignore", "-q", join(dir, "production.json")], { stdio: "ignore" });
  } catch {
    throw refusal(
      `${dir} is inside the git work tree ${top} and not ignored: \`git add -A\` would commit the private keys.`,
      `Leave --dir out (keys then go to a user-level directory outside the project), or add the directory to ${top}/.gitignore.`,
    );
  }
}

const fileBase = (dir: string, context: string) => join(dir, encodeURIComponent(context));

/** The public keys of the non-production contexts, served by the production deploy. @internal */
export const publicKeysFile = (dir: string) => join(dir, "other-contexts.public.json");

/** The path of a context's key-set file, the value of its `FEDKIT_ISSUER_KEYS`. @internal */
export const keySetFile = (dir: string, context: string) => `${fileBase(dir, context)}.json`;

interface StateFile {
  readonly stagedAt?: number;
  readonly promotedAt?: number;
}

function readJson<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    throw refusal(
      `${file} is not valid JSON.`,
      "Restore it from your backup or regenerate the context's keys.",
    );
  }
}

/** Writes a file readable by its owner only (mode 0600, directory 0700), via a temporary file and a rename. @internal */
export function writeSecret(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(value)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Reads a context's keys; `undefined` when it has none. @internal */
export function readContextKeys(dir: string, context: string): ContextKeys | undefined {
  const current = readJson<IssuerKeyDocument>(keySetFile(dir, context));
  if (current === undefined) return undefined;
  const next = readJson<IssuerKeyDocument>(`${fileBase(dir, context)}.next.json`);
  const state = readJson<StateFile>(`${fileBase(dir, context)}.state.json`) ?? {};
  return {
    current,
    ...(next === undefined ? {} : { next }),
    ...(state.stagedAt === undefined ? {} : { stagedAt: state.stagedAt }),
    ...(state.promotedAt === undefined ? {} : { promotedAt: state.promotedAt }),
  };
}

/** Writes a context's keys (the next-key file is removed when there is none). @internal */
export function writeContextKeys(dir: string, context: string, keys: ContextKeys): void {
  writeSecret(keySetFile(dir, context), keys.current);
  const nextFile = `${fileBase(dir, context)}.next.json`;
  if (keys.next !== undefined) writeSecret(nextFile, keys.next);
  else rmSync(nextFile, { force: true });
  writeSecret(`${fileBase(dir, context)}.state.json`, {
    ...(keys.stagedAt === undefined ? {} : { stagedAt: keys.stagedAt }),
    ...(keys.promotedAt === undefined ? {} : { promotedAt: keys.promotedAt }),
  });
}

/** The contexts that have a key set in the directory. @internal */
export function listContexts(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json") && !/\.(next|state|public)\.json$/.test(name))
    .map((name) => decodeURIComponent(name.slice(0, -".json".length)))
    .sort();
}
