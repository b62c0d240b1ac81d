/// <reference types="node" />
// The release dry-run's tarball checks catch what would make a published package broken or unsafe: a tarball
// built by hand with each flaw is refused for that flaw, and the repository's own core package passes.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkTarball } from "../scripts/release/check-tarball.js";
import { root } from "../scripts/release/pack.js";

const work = mkdtempSync(join(tmpdir(), "fedkit-release-check-"));
const license = readFileSync(join(root, "LICENSE"), "utf8");
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes `files` under package/ and tars them the way npm and pnpm lay out a tarball. */
function tarball(name: string, files: Record<string, string>) {
  const dir = join(work, name);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, "package", path)), { recursive: true });
    writeFileSync(join(dir, "package", path), text);
  }
  const file = join(work, `${name}.tgz`);
  expect(spawnSync("tar", ["-czf", file, "-C", dir, "package"]).status).toBe(0);
  return { tarball: file, files: Object.keys(files) };
}

const manifest = (extra: Record<string, unknown>) =>
  JSON.stringify({
    name: "@fedkit/example",
    version: "1.0.0",
    type: "module",
    license: "Apache-2.0",
    exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
    ...extra,
  });

describe("release dry-run: checkTarball", () => {
  it("passes a well-formed ESM package", () => {
    const good = tarball("good", {
      "package.json": manifest({}),
      LICENSE: license,
      "README.md": "# example\n",
      "dist/index.js": "export const x = 1;\n",
      "dist/index.d.ts": "export declare const x = 1;\n",
    });
    expect(checkTarball(good, license)).toEqual([]);
  }, 60_000);

  it("refuses workspace: ranges, a missing LICENSE/README/entry point, shipped tests and key files", () => {
    const bad = tarball("bad", {
      "package.json": manifest({
        dependencies: { "@fedkit/core": "workspace:^" },
        bin: { x: "./dist/cli.js" },
      }),
      "dist/index.js": "export const x = 1;\n",
      "dist/index.d.ts": "export declare const x = 1;\n",
      "dist/test/x.js": "",
      "src/a.test.ts": "",
      "fedkit-issuer-keys.production.json": "{}",
    });
    const problems = checkTarball(bad, license).map((p) => p.split("\n")[0]);
    expect(problems).toEqual(
      expect.arrayContaining([
        "package.json has a workspace: range",
        "LICENSE missing or not the repository's text",
        "README.md missing",
        "entry point dist/cli.js missing",
        "ships a test file: dist/test/x.js",
        "ships a test file: src/a.test.ts",
        "ships a secret-looking file: fedkit-issuer-keys.production.json",
      ]),
    );
  }, 60_000);

  it("refuses declarations whose imports do not resolve (attw) and a types path that does not exist (publint)", () => {
    // The classic: .d.ts files with extensionless relative imports, which Node's ESM resolution cannot follow.
    const unresolved = tarball("unresolved", {
      "package.json": manifest({}),
      LICENSE: license,
      "README.md": "# example\n",
      "dist/index.js": "export const x = 1;\n",
      "dist/index.d.ts": 'export { x } from "./x";\n',
      "dist/x.d.ts": "export declare const x = 1;\n",
    });
    expect(checkTarball(unresolved, license).join("\n")).toContain("are-the-types-wrong");
    const missingTypes = tarball("missing-types", {
      "package.json": manifest({
        exports: { ".": { types: "./dist/missing.d.ts", default: "./dist/index.js" } },
      }),
      LICENSE: license,
      "README.md": "# example\n",
      "dist/index.js": "export const x = 1;\n",
    });
    expect(checkTarball(missingTypes, license).join("\n")).toContain("publint --strict");
  }, 60_000);
});
