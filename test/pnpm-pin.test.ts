/// <reference types="node" />
// pnpm's version has one source, the root package.json `packageManager`; everything else derives from it or is
// held equal to it here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const { pinnedPnpmVersion } = (await import(pathToFileURL(join(root, "scripts", "pnpm.mjs")).href)) as {
  pinnedPnpmVersion(): string;
};

describe("the pinned pnpm", () => {
  it("is read from packageManager", () => {
    expect(`pnpm@${pinnedPnpmVersion()}`).toBe(manifest.packageManager);
  });

  it("is the root pnpm devDependency turbo runs", () => {
    expect(manifest.devDependencies.pnpm).toBe(pinnedPnpmVersion());
  });

  it("is written nowhere else: scripts, workflows and docs call scripts/pnpm.mjs", () => {
    for (const file of ["scripts/run.mjs", ".github/workflows/release.yml", "docs/releasing.md"]) {
      expect(readFileSync(join(root, file), "utf8")).not.toMatch(/pnpm@\d/);
    }
  });
});
