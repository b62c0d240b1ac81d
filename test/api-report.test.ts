/// <reference types="node" />
// scripts/api-report.mjs's rules on hand-built trees (`--root`): @fedkit/core's main entry may export at most 45
// names (issue 10 §5: what an application imports; the rest lives on subpaths), subpaths have no such limit, and
// an exported @internal symbol is refused.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "scripts", "api-report.mjs");
const work = mkdtempSync(join(tmpdir(), "fedkit-api-report-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const names = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `export declare const ${prefix}${i}: number;`).join("\n");

/** A tree with packages/core whose main entry declares `main` and whose ./cache entry declares `cache`; --update. */
function report(name: string, main: string, cache = names("cache", 50)) {
  const dir = join(work, name, "packages", "core");
  mkdirSync(join(dir, "dist", "cache"), { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({
      name: "@fedkit/core",
      exports: {
        ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
        "./cache": { types: "./dist/cache/index.d.ts", default: "./dist/cache/index.js" },
      },
    }),
  );
  writeFileSync(join(dir, "dist", "index.d.ts"), `${main}\n`);
  writeFileSync(join(dir, "dist", "cache", "index.d.ts"), `${cache}\n`);
  const run = spawnSync(process.execPath, [script, "--update", "--root", join(work, name)], {
    encoding: "utf8",
  });
  return { status: run.status, stderr: run.stderr };
}

describe("api-report", () => {
  it("accepts 45 names on core's main entry, and any number on a subpath", () => {
    const result = report("at-limit", names("main", 45));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("refuses a 46th name on core's main entry", () => {
    const result = report("over-limit", names("main", 46));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("@fedkit/core exports 46 names, more than its limit of 45");
  });

  it("refuses an exported @internal symbol", () => {
    const result = report("internal", `/** @internal */\nexport declare const secretHelper: number;`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("@fedkit/core exports secretHelper, which is tagged @internal");
  });
});
