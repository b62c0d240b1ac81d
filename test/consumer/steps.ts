/// <reference types="node" />
// The consumer test's steps, as a user runs them in a folder outside the repository: scaffold with the packed
// create-fedkit, install with plain npm (our names pinned to the local tarballs), bundle with Netlify's bundler.
import { execFile } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PackedPackage } from "../../scripts/release/pack.js";
import { root } from "../../scripts/release/pack.js";

const here = dirname(fileURLToPath(import.meta.url));

export interface Consumer {
  readonly work: string;
  readonly env: NodeJS.ProcessEnv;
  readonly packed: readonly PackedPackage[];
}

export interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command asynchronously (the registry guard answers from this process's event loop). */
export function run(c: Consumer, cmd: string, args: string[], cwd: string, extra: NodeJS.ProcessEnv = {}) {
  return new Promise<Run>((resolve) => {
    execFile(
      cmd,
      args,
      { cwd, env: { ...c.env, ...extra }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The last line of a script's output, which the consumer scripts print as their JSON result. */
export const lastJson = (out: string) => JSON.parse(out.trim().split("\n").at(-1)!);

/** A devDependency version the repository itself uses (so the consumer gets what the repo tests with). */
export const repoVersion = (dep: string, pkg: string): string =>
  JSON.parse(readFileSync(join(root, "packages", pkg, "package.json"), "utf8")).devDependencies[dep];

export const tarballOf = (c: Consumer, name: string) => c.packed.find((p) => p.name === name)!.tarball;

/**
 * Every @fedkit/* name resolves to its local tarball: direct dependencies are pointed at it (npm refuses an
 * override that contradicts a direct dependency) and `overrides` covers the transitive ones.
 */
export function pinToTarballs(c: Consumer, manifest: Record<string, unknown>) {
  const pins = Object.fromEntries(
    c.packed.filter((p) => p.name.startsWith("@fedkit/")).map((p) => [p.name, `file:${p.tarball}`]),
  );
  const pin = (deps: unknown) =>
    Object.fromEntries(
      Object.entries((deps ?? {}) as Record<string, string>).map(([n, r]) => [n, pins[n] ?? r]),
    );
  return {
    ...manifest,
    dependencies: pin(manifest["dependencies"]),
    devDependencies: pin(manifest["devDependencies"]),
    overrides: pins,
  };
}

/** `npm create fedkit@latest <name> -- <flags>`, with create-fedkit taken from its tarball. */
export function scaffold(c: Consumer, name: string, flags: string[]) {
  const pkg = `--package=${tarballOf(c, "create-fedkit")}`;
  return run(c, "npm", ["exec", "--yes", pkg, "--", "create-fedkit", name, ...flags], c.work);
}

/** Pins the site to the tarballs, adds Netlify's edge bundler (what a Netlify build runs) and runs `npm install`. */
export function installSite(c: Consumer, dir: string) {
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const bundler = { "@netlify/edge-bundler": repoVersion("@netlify/edge-bundler", "netlify") };
  const deno = manifest.devDependencies?.deno ? {} : { deno: repoVersion("deno", "netlify") };
  const pinned = pinToTarballs(c, {
    ...manifest,
    devDependencies: { ...manifest.devDependencies, ...bundler, ...deno },
  });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pinned, null, 2)}\n`);
  return run(c, "npm", ["install", "--no-audit", "--no-fund"], dir);
}

/** Bundles the site's edge functions offline with the installed @netlify/edge-bundler (bundle-run.mjs). */
export async function bundleSite(c: Consumer, dir: string) {
  copyFileSync(join(here, "bundle-run.mjs"), join(dir, "bundle-run.mjs"));
  const ran = await run(c, "node", ["bundle-run.mjs"], dir, {
    OFFLINE_IMPORT_MAP: join(root, "packages", "netlify", "test", "fixtures", "offline-import-map.json"),
  });
  return { ran, result: ran.code === 0 ? lastJson(ran.stdout) : undefined };
}
