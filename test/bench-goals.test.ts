// The goals table of docs/benchmarks.md is computed, not written: these tests pin what a row shows (its value, its
// peer, the ratio pass/fail is judged on) so a renderer change cannot quietly turn a failing goal into a pass.
import { describe, expect, it } from "vitest";

// Plain ESM helpers of the private bench workspace (no type declarations), loaded by URL so that biome's import
// extension rewriting leaves the `.mjs` alone.
const { barChart, floorRows, floorTable, goalRows } = await import(
  new URL("../bench/lib/goals.mjs", import.meta.url).href
);
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

  describe("the goals beside their floors", () => {
    const row = (id: string, value: number, unit: string, extra: Record<string, unknown> = {}) =>
      result({ id, label: id, subject: id, metric: "m", value, unit, ...extra });
    const target = (value: number, unit: string) => ({
      target: { op: "<=", value, unit, text: `≤ ${value} ${unit} (issue 13)` },
    });
    const run = (first: number, library: number, least: number, warm?: number[]) => ({
      suites: [
        suite("deno", [
          row("deno-first-request-cpu-fedkit", first, "ms", target(10, "ms")),
          row("deno-first-request-cpu-jose-aws4fetch", library, "ms", { reference: true }),
          row("deno-first-request-cpu-least-code", least, "ms", { reference: true }),
          row("deno-size-jose-aws4fetch", 9000, "bytes", { reference: true }),
          ...(warm === undefined
            ? []
            : [
                row("deno-warm-overhead-fedkit", warm[0]!, "ms", target(0.1, "ms")),
                row("deno-warm-overhead-jose-aws4fetch", warm[1]!, "ms", { reference: true }),
                row("deno-warm-overhead-least-signer", warm[2]!, "ms", { reference: true }),
                row("deno-warm-overhead-headers", warm[3]!, "ms", { reference: true }),
              ]),
        ]),
        suite("samples", [row("sample-aws-all-chunks-gzip", 28000, "bytes", target(14000, "bytes"))]),
      ],
    });

    it("says which floor a goal lies under, from the figures of the same run", () => {
      expect(floorRows(run(22, 14, 11))[0]).toMatchObject({
        what: "first request",
        fedkit: 22,
        library: 14,
        least: 11,
        platform: undefined,
        pass: false,
        verdict: expect.stringMatching(/^below the least code doing the work/),
      });
      expect(floorRows(run(22, 14, 8))[0].verdict).toMatch(/^below jose \+ aws4fetch with no checks/);
      expect(floorRows(run(22, 9, 8))[0].verdict).toMatch(/the gap is fedkit's$/);
      expect(floorRows(run(9, 8, 7))[0].verdict).toBe("met");
      // fedkit under the goal is "met" even where the library floor is above it (the warm row of a run).
      expect(floorRows(run(9, 14, 8))[0].verdict).toBe(
        "met, though jose + aws4fetch with no checks is above it",
      );
    });

    it("shows Deno alone beside the warm row only, and the size beside the minimal code's size", () => {
      const rows = floorRows(run(22, 14, 8, [0.13, 0.3, 0.09, 0.07]));
      expect(rows.map((r: { what: string }) => r.what)).toEqual([
        "first request",
        "warm request",
        "AWS sample size",
      ]);
      expect(rows[1]).toMatchObject({ fedkit: 0.13, library: 0.3, least: 0.09, platform: 0.07 });
      expect(rows[1].verdict).toMatch(/^below jose \+ aws4fetch/);
      expect(rows[2]).toMatchObject({ fedkit: 28000, library: 9000, least: undefined, platform: undefined });
      expect(rows[2].verdict).toMatch(/the gap is fedkit's$/);
      expect(rows[2].overLibrary).toBeCloseTo(28000 / 9000);
    });

    it("leaves out a floored goal whose figures the run lacks", () => {
      // No warm rows in this run: the warm row is left out, not shown empty.
      expect(floorRows(run(22, 14, 8)).map((r: { what: string }) => r.what)).toEqual([
        "first request",
        "AWS sample size",
      ]);
    });

    it("renders one table line per floored goal, and nothing when the run measured no floor", () => {
      const lines: string[] = floorTable(floorRows(run(22, 14, 8)), (v: number, u: string) => `${v} ${u}`);
      const body = lines.filter((line) => line.startsWith("| first") || line.startsWith("| AWS"));
      expect(body).toEqual([
        "| first request | ≤ 10 ms (issue 13) | 22 ms | 14 ms | 1.57× | 8 ms | — | below jose + aws4fetch with no checks; only the least code gets under it |",
        "| AWS sample size | ≤ 14000 bytes (issue 13) | 28000 bytes | 9000 bytes | 3.11× | — | — | above jose + aws4fetch with no checks: the gap is fedkit's |",
      ]);
      expect(floorTable([], String)).toEqual([]);
    });

    it("sets the code each side runs beside the first request, and interpolates where the goal would be met", () => {
      const ranSuite = (aws: number | undefined) =>
        suite("success-path", [
          ...(aws === undefined ? [] : [row("success-path-aws-gzip", aws, "bytes", { reference: true })]),
          row("success-path-jose-aws4fetch-gzip", 5000, "bytes", { reference: true }),
          row("success-path-least-code-gzip", 1000, "bytes", { reference: true }),
        ]);
      const doc = run(18, 12, 6);
      const rows = floorRows({ suites: [...doc.suites, ranSuite(16000)] });
      expect(rows[0].ran).toEqual({ fedkit: 16000, library: 5000, least: 1000 });
      expect(rows[1].ran).toBeUndefined();
      const text = floorTable(rows, (v: number, u: string) => `${v} ${u}`).join(" ");
      expect(text).toContain("fedkit 16,000 B, jose + aws4fetch 5,000 B, the least code 1,000 B.");
      // (12 - 6) ms over (5,000 - 1,000) B: 1.5 ms per 1,000 B; 10 ms is 4 ms over the least code: 1,000 + 2,667 B.
      expect(text).toContain("rose 1.50 ms per 1,000 B run");
      expect(text).toContain("reached at about 3,667 B run, less than jose + aws4fetch runs with no checks.");
      // A run without the sample's success-path row says nothing about it.
      expect(floorRows({ suites: [...doc.suites, ranSuite(undefined)] })[0].ran).toBeUndefined();
    });
  });
});
