// The success-path row of docs/benchmarks.md counts the deployed bytes that V8's coverage saw run, split by package
// through the bundle's source map. These tests hold the two readers it rests on (coverage ranges, source-map
// segments) to inputs whose answer is known, and the whole measurement to a real esbuild bundle.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

// Plain ESM helpers of the private bench workspace, loaded by URL (as bench-goals.test.ts does).
const { ownerOf, ranMask, sourceIndexes, successPath, successPathTable } = await import(
  new URL("../bench/lib/success-path.mjs", import.meta.url).href
);

const work = mkdtempSync(join(tmpdir(), "fedkit-success-path-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const range = (startOffset: number, endOffset: number, count: number) => ({ startOffset, endOffset, count });

describe("ranMask", () => {
  it("gives each character its innermost range's count, whatever order V8 lists the ranges in", () => {
    const functions = [
      // A function never called, inside the script: count 0, although the script around it ran.
      { ranges: [range(10, 20, 0)] },
      // The script ran; a block of it did not; a block inside that block ran (a loop body reached another way).
      { ranges: [range(0, 40, 1), range(25, 35, 0), range(28, 30, 3)] },
    ];
    const mask = Array.from(ranMask(functions, 40));
    const ran = (from: number, to: number) => mask.slice(from, to);
    expect(ran(0, 10)).toEqual(Array(10).fill(1));
    expect(ran(10, 20)).toEqual(Array(10).fill(0));
    expect(ran(20, 25)).toEqual(Array(5).fill(1));
    expect(ran(25, 28)).toEqual([0, 0, 0]);
    expect(ran(28, 30)).toEqual([1, 1]);
    expect(ran(30, 35)).toEqual(Array(5).fill(0));
    expect(ran(35, 40)).toEqual(Array(5).fill(1));
  });
});

describe("ownerOf", () => {
  it("names the package, the sample or the dependency a source path belongs to", () => {
    expect(ownerOf("../../../../packages/core/dist/engine/exchange.js")).toBe("@fedkit/core");
    expect(ownerOf("../../../../apps/netlify-aws-s3/netlify/edge-functions/report.ts")).toBe(
      "the sample (netlify-aws-s3)",
    );
    expect(ownerOf("../../node_modules/.pnpm/jose@6.0.0/node_modules/jose/dist/webapi/index.js")).toBe(
      "jose",
    );
    expect(ownerOf("../node_modules/@scope/pkg/index.js")).toBe("@scope/pkg");
    // The floors' own handlers (bench/deno/), run beside the samples.
    expect(ownerOf("../../../../../deno/jose-aws4fetch-handler.mjs")).toBe(
      "the handler (jose-aws4fetch-handler)",
    );
    expect(ownerOf("../node_modules/some-lib/deno/x-handler.mjs")).toBe("some-lib");
  });
});

/** Bundles two modules minified, with an external source map, the way the bench bundles a sample. */
async function twoModuleBundle() {
  const dir = join(work, "src", "packages", "alpha", "dist");
  const other = join(work, "src", "packages", "beta", "dist");
  mkdirSync(dir, { recursive: true });
  mkdirSync(other, { recursive: true });
  writeFileSync(
    join(other, "beta.js"),
    'export function beta(x) { if (x > 100) throw new Error("beta-never"); return "beta-ran:" + x; }\n',
  );
  writeFileSync(
    join(dir, "entry.js"),
    'import { beta } from "../../beta/dist/beta.js";\nexport function alpha() { return ["alpha-ran", beta(1)]; }\nexport function unused() { return "alpha-never"; }\n',
  );
  const out = await build({
    entryPoints: [join(dir, "entry.js")],
    bundle: true,
    minify: true,
    format: "esm",
    sourcemap: "external",
    outdir: join(work, "out"),
    write: false,
    logLevel: "silent",
  });
  const code = out.outputFiles.find((f) => f.path.endsWith(".js"))!;
  const map = JSON.parse(out.outputFiles.find((f) => f.path.endsWith(".map"))!.text);
  return { path: code.path, code: code.text, map };
}

describe("sourceIndexes", () => {
  it("finds the module each byte of a minified bundle came from, as esbuild's source map says", async () => {
    const { code, map } = await twoModuleBundle();
    const indexes = sourceIndexes(code, map.mappings);
    const sourceAt = (text: string) => {
      const at = code.indexOf(text);
      expect(at, text).toBeGreaterThanOrEqual(0);
      return ownerOf(map.sources[indexes[at]]);
    };
    expect(sourceAt("beta-never")).toBe("@fedkit/beta");
    expect(sourceAt("beta-ran")).toBe("@fedkit/beta");
    expect(sourceAt("alpha-ran")).toBe("@fedkit/alpha");
    expect(sourceAt("alpha-never")).toBe("@fedkit/alpha");
  });

  it("reads negative deltas, segments without a source and a new line's first segment", () => {
    // Line 1: col 0 source 0; col 5 source 1 (C = +1); col 10 back to source 0 (D = -1); col 13 a segment with a
    // generated column only (no source). Line 2 starts at column 2 (E = +2) with source 1 again (C).
    const code = "0123456789abcdef\nxyz";
    const indexes = Array.from(sourceIndexes(code, "AAAA,KCAA,KDAA,G;ECAA"));
    expect(indexes.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(indexes.slice(5, 10)).toEqual([1, 1, 1, 1, 1]);
    expect(indexes.slice(10, 13)).toEqual([0, 0, 0]);
    expect(indexes.slice(13, 17)).toEqual([-1, -1, -1, -1]);
    expect(indexes.slice(17, 19)).toEqual([-1, -1]);
    expect(indexes.slice(19)).toEqual([1]);
  });

  it("refuses a mapping that is not base64 VLQ", () => {
    expect(() => sourceIndexes("x", "A!")).toThrow(/VLQ/);
  });
});

describe("successPath", () => {
  it("counts as run only the bytes of the functions and blocks that ran, per package", async () => {
    const chunk = await twoModuleBundle();
    const { code } = chunk;
    // What V8 would report after calling alpha() once: the script and both called functions ran; `unused` and
    // beta's throwing branch did not.
    const fn = (name: string) => {
      const start = code.indexOf(`function ${name}`);
      let depth = 0;
      for (let i = code.indexOf("{", start); i < code.length; i++) {
        if (code[i] === "{") depth++;
        if (code[i] === "}" && --depth === 0) return [start, i + 1] as const;
      }
      throw new Error(`no function ${name}`);
    };
    const names = [...code.matchAll(/function (\w+)\(/g)].map((m) => m[1]!);
    const unusedName = names.find((n) => code.slice(...fn(n)).includes("alpha-never"))!;
    const betaName = names.find((n) => code.slice(...fn(n)).includes("beta-never"))!;
    const alphaName = names.find((n) => code.slice(...fn(n)).includes("alpha-ran"))!;
    const [bs, be] = fn(betaName);
    const throwStart = code.indexOf("throw", bs);
    const throwEnd = code.indexOf(";", throwStart) + 1;
    const coverageDir = join(work, "coverage");
    mkdirSync(coverageDir, { recursive: true });
    writeFileSync(
      join(coverageDir, "1.json"),
      JSON.stringify({
        url: pathToFileURL(chunk.path).href,
        functions: [
          { functionName: "", ranges: [range(0, code.length, 1)] },
          { functionName: alphaName, ranges: [range(...fn(alphaName), 1)] },
          { functionName: betaName, ranges: [range(bs, be, 1), range(throwStart, throwEnd, 0)] },
          { functionName: unusedName, ranges: [range(...fn(unusedName), 0)] },
        ],
      }),
    );
    const result = successPath(coverageDir, [chunk]);
    const notRun = fn(unusedName)[1] - fn(unusedName)[0] + (throwEnd - throwStart);
    expect(result.shippedBytes).toBe(code.length);
    expect(result.ranBytes).toBe(code.length - notRun);
    const owners = Object.fromEntries(result.owners.map((o: { owner: string }) => [o.owner, o]));
    expect(owners["@fedkit/alpha"].ran).toBeLessThan(owners["@fedkit/alpha"].shipped);
    expect(owners["@fedkit/beta"].shipped - owners["@fedkit/beta"].ran).toBe(throwEnd - throwStart);
    const total = result.owners.reduce((sum: number, o: { shipped: number }) => sum + o.shipped, 0);
    expect(total).toBe(code.length);
    // The gzip is of the pieces that ran, joined in order: the code with the two parts that did not run cut out.
    const cuts = [fn(unusedName), [throwStart, throwEnd] as const].sort((a, b) => a[0] - b[0]);
    const kept = code.slice(0, cuts[0]![0]) + code.slice(cuts[0]![1], cuts[1]![0]) + code.slice(cuts[1]![1]);
    expect(result.ranGzip).toBe(gzipSync(Buffer.from(kept), { level: 9 }).byteLength);
  });

  it("counts a chunk that never loaded as shipped and not run", async () => {
    const chunk = await twoModuleBundle();
    const empty = join(work, "no-coverage");
    mkdirSync(empty, { recursive: true });
    const result = successPath(empty, [chunk]);
    expect(result.ranBytes).toBe(0);
    expect(result.shippedBytes).toBe(chunk.code.length);
  });
});

describe("successPathTable", () => {
  const row = (app: string, value: number, owners: Record<string, [number, number]>) => ({
    label: `${app} fn.ts: code run`,
    value,
    detail: { shippedGzip: value * 2, owners },
  });
  const rows = [
    row("netlify-aws-s3", 16_000, { "@fedkit/core": [31_000, 16_000], "@fedkit/aws": [21_000, 10_500] }),
    row("netlify-gcp-gcs", 13_000, { "@fedkit/core": [30_000, 15_000], "@fedkit/gcp": [10_000, 6_000] }),
  ];

  it("says what the rows that are not samples are, only when there are some", () => {
    const floors = "The rows that are not samples are the AWS sample's job done without fedkit";
    expect(successPathTable(rows, 14_000).join("\n")).not.toContain(floors);
    const jose = { ...row("jose+aws4fetch", 7_000, { jose: [20_000, 9_000] }), subject: "jose-aws4fetch" };
    const text = successPathTable([...rows, jose], 14_000).join("\n");
    expect(text).toContain(floors);
    expect(text).toContain(
      "| jose+aws4fetch | 14,000 B | 7,000 B | the code that runs fits, with 7,000 B to spare |",
    );
  });

  it("sets each sample's run bytes against the size goal, over or within", () => {
    const text = successPathTable(rows, 14_000).join("\n");
    expect(text).toContain(
      "| netlify-aws-s3 | 32,000 B | 16,000 B | the code that runs alone is 2,000 B over |",
    );
    expect(text).toContain(
      "| netlify-gcp-gcs | 26,000 B | 13,000 B | the code that runs fits, with 1,000 B to spare |",
    );
  });

  it("splits shipped and run bytes per package, a dash where a sample has none of it", () => {
    const text = successPathTable(rows, 14_000).join("\n");
    expect(text).toContain("| Package | netlify-aws-s3 | netlify-gcp-gcs |");
    expect(text).toContain("| @fedkit/core | 31,000 → 16,000 (52%) | 30,000 → 15,000 (50%) |");
    expect(text).toContain("| @fedkit/aws | 21,000 → 10,500 (50%) | — |");
    expect(text).toContain("| @fedkit/gcp | — | 10,000 → 6,000 (60%) |");
  });
});
