#!/usr/bin/env node
// The release dry-run of `npm test`: packs every public package as publishing would and checks each tarball —
// publint --strict and are-the-types-wrong on the tarball itself, no `workspace:` range left, LICENSE and README
// present, every entry point (exports, bin) present, no tests or fixtures shipped. Exits 1 listing each problem.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packAll, root } from "./release/pack.js";

const bin = (name) => join(root, "node_modules", ".bin", name);
const out = mkdtempSync(join(tmpdir(), "fedkit-release-"));
const problems = [];
const license = readFileSync(join(root, "LICENSE"), "utf8");

/** Every file an entry of `exports` or `bin` points at. */
function entryPoints(manifest) {
  const targets = [];
  const walk = (value) => {
    if (typeof value === "string") targets.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(manifest.exports);
  walk(manifest.bin);
  return targets.map((t) => t.replace(/^\.\//, ""));
}

function tarFile(tarball, path) {
  const result = spawnSync("tar", ["-xzOf", tarball, `package/${path}`], { encoding: "utf8" });
  return result.status === 0 ? result.stdout : undefined;
}

try {
  for (const pkg of packAll(out)) {
    const fail = (what) => problems.push(`${pkg.name}: ${what}`);
    const files = new Set(pkg.files);
    const manifestText = tarFile(pkg.tarball, "package.json");
    const manifest = JSON.parse(manifestText);
    if (manifestText.includes("workspace:")) fail("package.json still has a workspace: range");
    for (const file of pkg.files.filter((f) => f.endsWith("package.json"))) {
      if (tarFile(pkg.tarball, file)?.includes("workspace:")) fail(`${file} has a workspace: range`);
    }
    if (tarFile(pkg.tarball, "LICENSE") !== license)
      fail("LICENSE missing or not the repository's Apache-2.0 text");
    if (manifest.license !== "Apache-2.0") fail(`license field is ${manifest.license}`);
    if (!files.has("README.md")) fail("README.md missing");
    for (const entry of entryPoints(manifest)) if (!files.has(entry)) fail(`entry point ${entry} missing`);
    for (const file of files) {
      if (/(^|\/)(test|tests|fixtures|__tests__)\//.test(file) || /\.test\.[cm]?[jt]s$/.test(file)) {
        fail(`ships a test file: ${file}`);
      }
      if (/(^|\/)(\.env|fedkit-issuer-keys[^/]*|[^/]*\.pem)$/.test(file))
        fail(`ships a secret-looking file: ${file}`);
    }
    const publint = spawnSync(bin("publint"), ["run", "--strict", pkg.tarball], { encoding: "utf8" });
    if (publint.status !== 0) fail(`publint --strict:\n${publint.stdout}${publint.stderr}`);
    // ESM-only by design (like jose): the esm-only profile ignores node10 and require-from-CJS resolution.
    // create-fedkit is a bin with no importable entry and no types, so there is nothing for attw to resolve.
    if (manifest.exports !== undefined) {
      const attw = spawnSync(
        bin("attw"),
        [pkg.tarball, "--profile", "esm-only", "--format", "table-flipped"],
        {
          encoding: "utf8",
        },
      );
      if (attw.status !== 0) fail(`are-the-types-wrong:\n${attw.stdout}${attw.stderr}`);
    }
    console.log(
      `${problems.some((p) => p.startsWith(`${pkg.name}:`)) ? "✖" : "✔"} ${pkg.name}@${pkg.version} (${files.size} files)`,
    );
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
