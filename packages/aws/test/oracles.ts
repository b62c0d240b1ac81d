/// <reference types="node" />
// Locates ../shared/oracles (outside the repo) by walking up from the working directory to the workspace root.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

function workspaceRoot(): string | undefined {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** Absolute path of an oracle folder, or undefined when the oracles are not present. */
export function oracleDir(name: string): string | undefined {
  const root = workspaceRoot();
  const dir = root === undefined ? undefined : join(root, "..", "shared", "oracles", name);
  return dir !== undefined && existsSync(dir) ? dir : undefined;
}

/**
 * `describe` when the oracle folder exists; otherwise `describe.skip` with a message, or a failing suite when
 * FEDKIT_REQUIRE_ORACLES=1.
 */
export function oracleSuite(
  name: string,
  api: {
    describe: { (n: string, f: () => void): void; skip: (n: string, f: () => void) => void };
    it: (n: string, f: () => void) => void;
  },
  body: (dir: string) => void,
): void {
  const dir = oracleDir(name);
  if (dir) {
    api.describe(`oracle ${name}`, () => body(dir));
  } else if (process.env.FEDKIT_REQUIRE_ORACLES === "1") {
    api.describe(`oracle ${name}`, () => {
      api.it("is present (FEDKIT_REQUIRE_ORACLES=1)", () => {
        throw new Error(`../shared/oracles/${name} is missing`);
      });
    });
  } else {
    api.describe.skip(
      `oracle ${name} (skipped: ../shared/oracles/${name} not found next to the repo)`,
      () => {},
    );
  }
}
