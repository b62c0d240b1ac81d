#!/usr/bin/env node
// Deno runtime tests: every `*.deno.test.ts` under packages/*/ (found, not listed, so a new one cannot be left
// out), run by `deno test` from its own package directory against the BUILT packages, with the deno binary from
// npm (no global tool). Exits non-zero when a package those tests import is not built: a Deno suite never skips.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const denoDir = dirname(
  createRequire(join(root, "packages", "netlify", "package.json")).resolve("deno/package.json"),
);
const deno = join(denoDir, process.platform === "win32" ? "deno.exe" : "deno");

/** `*.deno.test.ts` files under `dir`, skipping dependencies and build output. */
function denoTests(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...denoTests(path));
    else if (entry.name.endsWith(".deno.test.ts")) found.push(path);
  }
  return found;
}

const byPackage = new Map();
for (const name of readdirSync(join(root, "packages")).sort()) {
  const dir = join(root, "packages", name);
  if (!existsSync(join(dir, "package.json"))) continue;
  const files = denoTests(dir);
  if (files.length > 0) byPackage.set(dir, files);
}
if (byPackage.size === 0) {
  console.error("deno-test: no *.deno.test.ts found under packages/");
  process.exit(1);
}

// The Deno tests import the built packages (their own dist and @fedkit/core's through node_modules).
for (const dir of [join(root, "packages", "core"), ...byPackage.keys()]) {
  if (!existsSync(join(dir, "dist", "index.js"))) {
    console.error(`deno-test: ${relative(root, dir)}/dist is missing; build first (npm test builds).`);
    process.exit(1);
  }
}

let failed = 0;
for (const [dir, files] of byPackage) {
  console.log(`deno test: ${files.map((file) => relative(root, file)).join(", ")}`);
  const result = spawnSync(
    deno,
    [
      "test",
      "--no-lock",
      "--allow-net=127.0.0.1",
      "--allow-env",
      "--allow-read",
      // The netlify suite runs a `deno run` child (Deno.execPath()) to see when a script's process exits.
      "--allow-run",
      "--no-check",
      ...files.map((file) => relative(dir, file)),
    ],
    { cwd: dir, stdio: "inherit" },
  );
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
