/// <reference types="node" />
// scripts/check-edge-imports.mjs must refuse every way an edge entry can reach a Node built-in: static imports,
// and the run-time forms no import statement shows. Each case is a one-package tree written to a temporary
// directory (laid out like this repo) and checked with `--root`; the repository itself must pass.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const script = join(root, "scripts", "check-edge-imports.mjs");
const work = mkdtempSync(join(tmpdir(), "fedkit-edge-imports-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Writes packages/core with `helper.ts` (reached from the main entry through an import) and runs the check. */
function check(name: string, helper: string) {
  const dir = join(work, name, "packages", "core");
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "@fedkit/core",
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
    }),
  );
  writeFileSync(join(dir, "src", "index.ts"), 'export { hash } from "./helper.js";\n');
  writeFileSync(join(dir, "src", "helper.ts"), helper);
  const run = spawnSync(process.execPath, [script, "--root", join(work, name)], { encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const refused: [string, string, string][] = [
  [
    "static import",
    'import { createHash } from "node:crypto";\nexport const hash = createHash;\n',
    "node:crypto",
  ],
  ["bare built-in", 'export { createHash as hash } from "crypto";\n', "crypto"],
  ["import() of node:", 'export const hash = () => import("node:crypto");\n', "node:crypto"],
  [
    "process.getBuiltinModule",
    'export const hash = () => (globalThis as any).process?.getBuiltinModule?.("node:crypto");\n',
    "process.getBuiltinModule",
  ],
  [
    "require()",
    'declare const require: any;\nexport const hash = () => require("node:crypto");\n',
    "require()",
  ],
  ["createRequire", "export const hash = (m: any) => m.createRequire(import.meta.url);\n", "createRequire"],
  [
    "process.binding",
    "export const hash = () => (globalThis as any).process.binding('crypto');\n",
    "binding",
  ],
  [
    "computed import()",
    'const id = ["node", "crypto"].join(":");\nexport const hash = () => import(id);\n',
    "computed",
  ],
];

describe("check-edge-imports", () => {
  it.each(refused)("refuses %s", (name, helper, mention) => {
    const result = check(name.replace(/\W+/g, "-"), helper);
    expect(result.status).toBe(1);
    expect(result.output).toContain("src/helper.ts");
    expect(result.output).toContain(mention);
  });

  it("passes web-standard code, and mentions of the forms in comments", () => {
    const result = check(
      "clean",
      '// not process.getBuiltinModule, nor require("node:crypto")\nexport const hash = (b: Uint8Array) => crypto.subtle.digest("SHA-256", b);\n',
    );
    expect(result.output).toContain("edge-safe");
    expect(result.status).toBe(0);
  });

  it("checks every subpath but ./node: a built-in behind @fedkit/core/cache is refused, behind ./node allowed", () => {
    const dir = join(work, "subpaths", "packages", "core");
    mkdirSync(join(dir, "src", "cache"), { recursive: true });
    mkdirSync(join(dir, "src", "node"), { recursive: true });
    const entry = (path: string) => ({ types: `./dist/${path}.d.ts`, default: `./dist/${path}.js` });
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify({
        name: "@fedkit/core",
        exports: { ".": entry("index"), "./cache": entry("cache/index"), "./node": entry("node/index") },
      }),
    );
    writeFileSync(join(dir, "src", "index.ts"), "export const engine = 1;\n");
    const nodeOnly = 'export { createHash } from "node:crypto";\n';
    writeFileSync(join(dir, "src", "node", "index.ts"), nodeOnly);
    writeFileSync(join(dir, "src", "cache", "index.ts"), nodeOnly);
    const run = spawnSync(process.execPath, [script, "--root", join(work, "subpaths")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("@fedkit/core/cache: packages/core/src/cache/index.ts -> node:crypto");
    expect(run.stderr).not.toContain("@fedkit/core/node");
  });

  it("passes on this repository", () => {
    const run = spawnSync(process.execPath, [script], { encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });
});
