#!/usr/bin/env node
// Runs the pinned pnpm through npx: `node scripts/pnpm.mjs install`. The version has ONE source, the root
// package.json `packageManager` field (which corepack and turbo read too); scripts/run.mjs and the release
// workflow call this script, and test/pnpm-pin.test.ts holds the root `pnpm` devDependency (the binary turbo
// finds on PATH) equal to it.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** `12.4.2` from `"packageManager": "pnpm@12.4.2"`. */
export function pinnedPnpmVersion() {
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const match = /^pnpm@(\d+\.\d+\.\d+)$/.exec(manifest.packageManager ?? "");
  if (!match)
    throw new Error(`package.json packageManager must be pnpm@<x.y.z>, not ${manifest.packageManager}`);
  return match[1];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = spawnSync("npx", ["-y", `pnpm@${pinnedPnpmVersion()}`, ...process.argv.slice(2)], {
    cwd: process.cwd(),
    stdio: "inherit",
  });
  process.exit(result.status ?? 1);
}
