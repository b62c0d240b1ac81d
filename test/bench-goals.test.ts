// The goals table of docs/benchmarks.md is computed, not written: these tests pin what a row shows (its value, its
// peer, the ratio pass/fail is judged on) so a renderer change cannot quietly turn a failing goal into a pass.
import { describe, expect, it } from "vitest";

// Plain ESM helpers of the private bench workspace (no type declarations), loaded by URL so that biome's import
// extension rewriting leaves the `.mjs` alone.
const { barChart, goalRows } = await import(new URL("../bench/lib/goals.mjs", import.meta.url).href);
const { result } = await import(new URL("../bench/lib/harness.mjs", import.meta.url).href);

const suite = (name: string, results: unknown[]) => ({ suite: name, description: "", runAt: "", results });

describe("bench goals table", () => {
  it("shows a ratio row with its base value, the base's peer, and the row's own ratio (what pass/fail judges)", () => {
    const rows = goalRows({
      suites: [
        suite("aws", [
          result({
            id: "cold",
            label: "fedkit",
            subject: "fedkit",
            metric: "cpu",
            value: 2000,
            unit: "µs",
            comparedTo: "sts",
          }),
          result({
            id: "sts",
            label: "STSClient",
            subject: "reused STSClient",
            metric: "cpu",
            value: 1000,
            unit: "µs",
          }),
          // Per-round ratios can differ from the ratio of the medians (here 1.3 vs 2.0): the table shows 1.3.
          result({
            id: "cold-ratio",
            label: "fedkit / STSClient",
            subject: "fedkit",
            metric: "ratio",
            value: 1.3,
            unit: "x",
            target: { op: "<=", value: 1, unit: "x", text: "≤ 1.0× (issue 13)" },
          }),
        ]),
      ],
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      fedkit: { value: 2000, unit: "µs" },
      peer: { name: "reused STSClient", value: 1000, unit: "µs" },
      ratio: 1.3,
      pass: false,
    });
  });

  it("lists issue-13 goals and reference rows only, in issue order (samples, deno, hit path, aws, azure)", () => {
    const goal = (id: string) =>
      result({
        id,
        label: id,
        subject: "fedkit",
        metric: "m",
        value: 1,
        unit: "ms",
        target: { op: "<=", value: 2, unit: "ms", text: "≤ 2 ms (issue 13)" },
      });
    const rows = goalRows({
      suites: [
        suite("aws", [goal("aws-goal")]),
        suite("core", [
          result({
            id: "old",
            label: "old",
            subject: "fedkit",
            metric: "m",
            value: 1,
            unit: "ms",
            target: { op: "<=", value: 2, unit: "ms", text: "< 2 ms" },
          }),
        ]),
        suite("hit-path-peers", [
          result({
            id: "peer",
            label: "peer",
            subject: "S3Client",
            metric: "m",
            value: 1,
            unit: "ns",
            reference: true,
          }),
        ]),
        suite("samples", [goal("size")]),
      ],
    });
    expect(rows.map((r: { id: string }) => r.id)).toEqual(["size", "peer", "aws-goal"]);
    expect(rows.find((r: { id: string }) => r.id === "peer")).toMatchObject({
      reference: true,
      subject: "S3Client",
    });
    expect(rows.find((r: { id: string }) => r.id === "size")).toMatchObject({ pass: true });
  });

  it("caps the chart's axis so one outlier does not flatten the other bars", () => {
    const svg: string = barChart(
      "t",
      [
        { label: "a", value: 24, peer: 1 },
        { label: "b", value: 2, peer: 1 },
      ],
      { unit: "×", cap: 4 },
    );
    const widths = [...svg.matchAll(/<rect x="330" y="\d+" width="([\d.]+)" height="8"/g)].map((m) =>
      Number(m[1]),
    );
    // plot width 340: the outlier ends at the cap (340), the 2× bar keeps half of it instead of 1/12.
    expect(widths).toEqual([340, 170]);
    expect(svg).toContain("24 ×");
  });
});
