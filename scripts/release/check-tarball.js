// The checks the release dry-run applies to one packed tarball (scripts/release-check.mjs). Returns the problems
// found, each a sentence; an empty list means the tarball is fit to publish.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { root } from "./pack.js";

const bin = (name) => join(root, "node_modules", ".bin", name);

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

/**
 * @param {{ tarball: string, files: readonly string[] }} pkg the tarball and the paths in it (without `package/`)
 * @param {string} license the text every package's LICENSE must equal
 * @returns {string[]}
 */
export function checkTarball(pkg, license) {
  const problems = [];
  const files = new Set(pkg.files);
  const manifestText = tarFile(pkg.tarball, "package.json");
  if (manifestText === undefined) return ["package.json missing"];
  const manifest = JSON.parse(manifestText);
  for (const file of pkg.files.filter((f) => f.endsWith("package.json"))) {
    if (tarFile(pkg.tarball, file)?.includes("workspace:")) problems.push(`${file} has a workspace: range`);
  }
  if (tarFile(pkg.tarball, "LICENSE") !== license)
    problems.push("LICENSE missing or not the repository's text");
  if (manifest.license !== "Apache-2.0") problems.push(`license field is ${manifest.license}`);
  if (!files.has("README.md")) problems.push("README.md missing");
  for (const entry of entryPoints(manifest))
    if (!files.has(entry)) problems.push(`entry point ${entry} missing`);
  for (const file of files) {
    if (/(^|\/)(test|tests|fixtures|__tests__)\//.test(file) || /\.test\.[cm]?[jt]s$/.test(file)) {
      problems.push(`ships a test file: ${file}`);
    }
    if (/(^|\/)(\.env|fedkit-issuer-keys[^/]*|[^/]*\.pem)$/.test(file))
      problems.push(`ships a secret-looking file: ${file}`);
  }
  const publint = spawnSync(bin("publint"), ["run", "--strict", pkg.tarball], { encoding: "utf8" });
  if (publint.status !== 0) problems.push(`publint --strict:\n${publint.stdout}${publint.stderr}`);
  // ESM-only by design (like jose): the esm-only profile ignores node10 and require-from-CJS resolution.
  // create-fedkit is a bin with no importable entry and no types, so there is nothing for attw to resolve.
  if (manifest.exports !== undefined) {
    const attw = spawnSync(bin("attw"), [pkg.tarball, "--profile", "esm-only", "--format", "table-flipped"], {
      encoding: "utf8",
    });
    if (attw.status !== 0) problems.push(`are-the-types-wrong:\n${attw.stdout}${attw.stderr}`);
  }
  return problems;
}
