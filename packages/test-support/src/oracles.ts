/// <reference types="node" />
// The one place that finds ../shared/oracles (public reference data kept outside the repo) and applies the rule
// every conformance suite follows: run when present; when absent, skip with a message, or fail when
// FEDKIT_REQUIRE_ORACLES=1 (set by .ci/run).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** Whether absent oracles must fail the run instead of skipping. */
export const REQUIRE_ORACLES = process.env["FEDKIT_REQUIRE_ORACLES"] === "1";

function workspaceRoot(): string | undefined {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Absolute path of `../shared/oracles/<name>`, or undefined when it (or the `probe` file inside it) is absent.
 */
export function oracleDir(name: string, probe?: string): string | undefined {
  const root = workspaceRoot();
  const dir = root === undefined ? undefined : join(root, "..", "shared", "oracles", name);
  if (dir === undefined || !existsSync(probe === undefined ? dir : join(dir, probe))) return undefined;
  return dir;
}

/**
 * The oracle folder for a test file that gates its own `describe`: absent and required throws (the file fails);
 * absent otherwise warns once and returns undefined, so the caller picks `describe.skip`.
 */
export function requireOracleDir(name: string, probe?: string): string | undefined {
  const dir = oracleDir(name, probe);
  if (dir !== undefined) return dir;
  if (REQUIRE_ORACLES) throw new Error(`FEDKIT_REQUIRE_ORACLES=1 but ../shared/oracles/${name} is missing`);
  console.warn(`../shared/oracles/${name} not found next to the repo: its conformance suite is skipped`);
  return undefined;
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
  } else if (REQUIRE_ORACLES) {
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
