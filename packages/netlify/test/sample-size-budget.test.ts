/// <reference types="node" />
// A size budget per sample: issue 13 measures the samples as deployed (every chunk, gzip) and each byte of edge code
// is paid on every cold isolate. The ceilings in bench/lib/size-budgets.json only move with a changeset; a sample
// that shrank well below its ceiling fails too, so that the gain is written down and cannot be spent unnoticed.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleEdge, REPO_ROOT } from "./edge-bundle.js";

interface SizeBudgets {
  readonly slackBytes: number;
  readonly samples: Readonly<Record<string, number>>;
}

const BUDGETS_FILE = join(REPO_ROOT, "bench", "lib", "size-budgets.json");
const budgets: SizeBudgets = JSON.parse(readFileSync(BUDGETS_FILE, "utf8"));

/** Why a measured size does not fit its ceiling, or `undefined` when it does. */
function budgetProblem(
  sample: string,
  gzipBytes: number,
  ceiling: number,
  slack: number,
): string | undefined {
  if (gzipBytes > ceiling)
    return `${sample} deploys ${gzipBytes} B gzip, ${gzipBytes - ceiling} B over its ceiling of ${ceiling} B. Find what grew (node bench/samples.bench.mjs lists the chunks), or raise the ceiling in bench/lib/size-budgets.json with a changeset saying what the bytes bought.`;
  if (gzipBytes < ceiling - slack)
    return `${sample} deploys ${gzipBytes} B gzip, ${ceiling - gzipBytes} B under its ceiling of ${ceiling} B: lower the ceiling in bench/lib/size-budgets.json to ${gzipBytes + slack} to keep the gain.`;
  return undefined;
}

describe("sample size budgets", () => {
  it("names the overrun and the fix, and asks for a lower ceiling once a sample shrank past the slack", () => {
    expect(budgetProblem("s/f", 1000, 1000, 100)).toBeUndefined();
    expect(budgetProblem("s/f", 900, 1000, 100)).toBeUndefined();
    expect(budgetProblem("s/f", 1001, 1000, 100)).toMatch(
      /s\/f deploys 1001 B gzip, 1 B over its ceiling of 1000 B/,
    );
    expect(budgetProblem("s/f", 899, 1000, 100)).toMatch(
      /101 B under its ceiling .* to 999 to keep the gain/,
    );
  });

  it.each(Object.entries(budgets.samples))(
    "%s deploys no more than its ceiling (%i B gzip)",
    async (sample, ceiling) => {
      const [app, fn] = sample.split("/");
      const file = join(REPO_ROOT, "apps", app ?? "", "netlify", "edge-functions", `${fn}.ts`);
      const { gzipBytes } = await bundleEdge({ file });
      expect(budgetProblem(sample, gzipBytes, ceiling, budgets.slackBytes)).toBeUndefined();
    },
    60_000,
  );
});
