#!/usr/bin/env node
// Deno runtime tests: `deno test` over the BUILT core, aws, issuer and netlify packages, with the deno binary from npm
// (no global tool). Called by `npm test` after the build; exits with deno's status.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const netlify = join(root, "packages", "netlify");
const denoDir = dirname(createRequire(join(netlify, "package.json")).resolve("deno/package.json"));
const deno = join(denoDir, process.platform === "win32" ? "deno.exe" : "deno");
for (const name of ["core", "aws", "issuer", "netlify"]) {
  if (!existsSync(join(root, "packages", name, "dist", "index.js"))) {
    console.error(`deno-test: packages/${name}/dist is missing; build first (npm test builds).`);
    process.exit(1);
  }
}
const result = spawnSync(
  deno,
  ["test", "--no-lock", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", "--no-check", "deno/"],
  { cwd: netlify, stdio: "inherit" },
);
process.exit(result.status ?? 1);
