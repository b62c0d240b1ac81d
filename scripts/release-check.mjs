#!/usr/bin/env node
// The release dry-run of `npm test`: packs every public package as publishing would and checks each tarball —
// publint --strict and are-the-types-wrong on the tarball itself, no `workspace:` range left, LICENSE and README
// present, every entry point (exports, bin) present, no tests or fixtures shipped. Exits 1 listing each problem.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkTarball } from "./release/check-tarball.js";
import { packAll, root } from "./release/pack.js";

const out = mkdtempSync(join(tmpdir(), "fedkit-release-"));
const license = readFileSync(join(root, "LICENSE"), "utf8");
const problems = [];
try {
  for (const pkg of packAll(out)) {
    const found = checkTarball(pkg, license);
    problems.push(...found.map((problem) => `${pkg.name}: ${problem}`));
    console.log(`${found.length > 0 ? "✖" : "✔"} ${pkg.name}@${pkg.version} (${pkg.files.length} files)`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (problems.length > 0) {
  console.error(`\nRelease dry-run found ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(
  "Release dry-run: every public package packs clean (publint, attw, LICENSE, README, entry points).",
);
