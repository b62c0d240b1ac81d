/**
 * A site's local seed (`fedkit.local.json` next to its package.json): what `fedkit dev` puts in the emulator and
 * Azurite for this site, the variables its functions read locally, and the requests `fedkit dev --check` makes.
 * The sample declares its own data, so the CLI hard-codes no bucket, container or object.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { EmulatorConfig } from "@fedkit/emulator";
import { usageError } from "../io.js";

/** The seed's default file name, relative to the site's folder. @internal */
export const DEFAULT_SEED = "fedkit.local.json";

/** One request of `fedkit dev --check` and what must come back. @internal */
export interface LocalCheck {
  /** Path and query on the site, e.g. `/report` or `/blob?name=latest.csv`. */
  readonly path: string;
  /** The expected HTTP status. */
  readonly status: number;
  /** The exact body expected (the seeded object), when the check reads one. */
  readonly body?: string;
  /** The `error.code` expected in a JSON error body (e.g. `policy_refused`). */
  readonly errorCode?: string;
}

/**
 * The parsed seed.
 *
 * @example
 * ```json
 * {
 *   "emulator": { "aws": { "buckets": [{ "name": "fedkit-reports", "objects": { "reports/latest.csv": "q,r\n" } }] } },
 *   "env": { "REPORTS_BUCKET_URL": "{s3}/fedkit-reports" },
 *   "checks": [{ "path": "/report", "status": 200, "body": "q,r\n" }, { "path": "/unmapped", "status": 403, "errorCode": "policy_refused" }]
 * }
 * ```
 * @internal
 */
export interface LocalSeed {
  /** The emulator's config (the format of `fedkit-emulator --config`): buckets, objects, roles, apps. */
  readonly emulator?: EmulatorConfig;
  /** Azurite blobs: container name to blob name to text. Azure sites only; needs `azurite` installed. */
  readonly azurite?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Variables for the functions; `{s3}`, `{entra}`, `{azurite}`… are replaced by the local URLs. */
  readonly env?: Readonly<Record<string, string>>;
  /** What `fedkit dev --check` requests. */
  readonly checks?: readonly LocalCheck[];
}

type Obj = Record<string, unknown>;

const isObject = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Reads the seed at `path` (relative to `cwd`), or `fedkit.local.json` when it exists; `undefined` when no path
 * was given and there is none. Malformed seeds are usage errors naming the file and the field.
 * @internal
 */
export function loadSeed(cwd: string, path: string | undefined): LocalSeed | undefined {
  const file = resolve(cwd, path ?? DEFAULT_SEED);
  if (!existsSync(file)) {
    if (path === undefined) return undefined;
    throw usageError(`No seed file at ${file}.`, `Pass --seed <file>, or put ${DEFAULT_SEED} in the site.`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw usageError(`${file} is not JSON: ${(error as Error).message}.`, "Fix the file's syntax.");
  }
  return parseSeed(raw, file);
}

/** Validates a seed's shape. @internal */
export function parseSeed(raw: unknown, file: string): LocalSeed {
  const bad = (field: string, expected: string) =>
    usageError(`${file}: ${field} must be ${expected}.`, `See docs/cli.md, "fedkit dev".`);
  if (!isObject(raw)) throw bad("the file", "a JSON object");
  const known = ["$comment", "emulator", "azurite", "env", "checks"];
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw bad(key, `one of ${known.slice(1).join(", ")} (unknown field)`);
  }
  if (raw["emulator"] !== undefined && !isObject(raw["emulator"])) throw bad("emulator", "an object");
  const azurite = raw["azurite"];
  if (azurite !== undefined) {
    if (!isObject(azurite)) throw bad("azurite", "an object of containers");
    for (const [container, blobs] of Object.entries(azurite)) {
      if (!/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/.test(container))
        throw bad(`azurite.${container}`, "a container name (3-63 lowercase letters, digits, dashes)");
      if (!isObject(blobs) || !Object.values(blobs).every((b) => typeof b === "string"))
        throw bad(`azurite.${container}`, "an object of blob names to text");
    }
  }
  const env = raw["env"];
  if (env !== undefined) {
    if (!isObject(env)) throw bad("env", "an object of NAME: value");
    for (const [name, value] of Object.entries(env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || typeof value !== "string")
        throw bad(`env.${name}`, "a string, under a variable name");
    }
  }
  const checks = raw["checks"];
  if (checks !== undefined) {
    if (!Array.isArray(checks)) throw bad("checks", "an array");
    checks.forEach((check: unknown, i) => {
      const at = `checks[${i}]`;
      if (!isObject(check)) throw bad(at, "an object");
      if (typeof check["path"] !== "string" || !check["path"].startsWith("/"))
        throw bad(`${at}.path`, "a path starting with /");
      if (!Number.isInteger(check["status"])) throw bad(`${at}.status`, "an HTTP status");
      for (const field of ["body", "errorCode"]) {
        if (check[field] !== undefined && typeof check[field] !== "string")
          throw bad(`${at}.${field}`, "a string");
      }
    });
  }
  return raw as LocalSeed;
}

/**
 * Replaces `{name}` in `value` by `urls[name]`; an unknown name is a usage error listing the known ones.
 * @internal
 */
export function expandUrls(value: string, urls: Readonly<Record<string, string>>, where: string): string {
  return value.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const url = Object.hasOwn(urls, name) ? urls[name] : undefined;
    if (url === undefined) {
      throw usageError(
        `${where} names {${name}}, which this local run does not serve.`,
        `Use one of: ${Object.keys(urls)
          .map((n) => `{${n}}`)
          .join(", ")}.`,
      );
    }
    return url;
  });
}
