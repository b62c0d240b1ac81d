// The code a sample actually runs on its success path, from V8's precise block coverage (Deno's `run --coverage`)
// of the deployed bundle: which bytes of the minified chunks ran at least once, how much that is gzipped, and to
// which package each byte belongs (through the bundle's source map). Issue 13 asks for the bytes evaluated on the
// success path beside the deployed size: the size row counts every byte shipped, this one the bytes a request needs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/**
 * Marks the characters of `length` whose innermost coverage range ran at least once. V8 reports, per function,
 * the function's own range and the blocks inside it that ran a different number of times (a block never run has
 * count 0), all properly nested; painting the ranges from the widest to the narrowest leaves each character with
 * its innermost range's count. A function never called is one range of count 0.
 * @param {{ ranges: { startOffset: number, endOffset: number, count: number }[] }[]} functions
 * @param {number} length
 * @returns {Uint8Array} 1 where the code ran
 */
export function ranMask(functions, length) {
  const ranges = functions.flatMap((f) => f.ranges);
  ranges.sort((a, b) => b.endOffset - b.startOffset - (a.endOffset - a.startOffset));
  const mask = new Uint8Array(length);
  for (const { startOffset, endOffset, count } of ranges)
    mask.fill(count > 0 ? 1 : 0, startOffset, Math.min(endOffset, length));
  return mask;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/**
 * The source index of every character of `code`, from a version 3 source map's `mappings` (VLQ segments: generated
 * column, source, original line, original column[, name], each relative to the previous). A segment covers its
 * line from its column to the next segment's; characters before a line's first segment, or in a segment without
 * a source, get -1.
 * @param {string} code the generated JavaScript
 * @param {string} mappings
 * @returns {Int32Array}
 */
export function sourceIndexes(code, mappings) {
  const result = new Int32Array(code.length).fill(-1);
  const lineStarts = [0];
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1);
  let source = 0;
  let line = 0;
  let previousEnd = -1; // where the previous segment's coverage starts, on the current line
  let previousSource = -1;
  const close = (end) => {
    if (previousEnd >= 0) result.fill(previousSource, previousEnd, end);
  };
  let column = 0;
  let i = 0;
  while (i <= mappings.length) {
    const c = mappings[i];
    if (c === ";" || c === undefined) {
      const lineEnd = line + 1 < lineStarts.length ? lineStarts[line + 1] : code.length;
      close(lineEnd);
      previousEnd = -1;
      line += 1;
      column = 0;
      i += 1;
      continue;
    }
    if (c === ",") {
      i += 1;
      continue;
    }
    const fields = [];
    while (i < mappings.length && mappings[i] !== "," && mappings[i] !== ";") {
      let value = 0;
      let shift = 0;
      let digit;
      do {
        digit = BASE64.indexOf(mappings[i++]);
        if (digit < 0) throw new Error("source map: bad VLQ character");
        value += (digit & 31) << shift;
        shift += 5;
      } while (digit & 32);
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    }
    column += fields[0];
    const at = lineStarts[line] + column;
    close(at);
    if (fields.length >= 4) {
      source += fields[1];
      previousSource = source;
    } else previousSource = -1;
    previousEnd = at;
  }
  return result;
}

/** `packages/<name>/…` → `@fedkit/<name>`, `apps/<app>/…` → `the sample (<app>)`, `node_modules/<pkg>` → `<pkg>`. */
export function ownerOf(sourcePath) {
  const pkg = /(?:^|\/)packages\/([^/]+)\//.exec(sourcePath);
  if (pkg) return `@fedkit/${pkg[1]}`;
  const app = /(?:^|\/)apps\/([^/]+)\//.exec(sourcePath);
  if (app) return `the sample (${app[1]})`;
  // bench/deno/'s handlers, as the map names them from the bundle's folder under bench/.netlify/.
  const handler = /(?:^|\/)deno\/([^/]+-handler)\.mjs$/.exec(sourcePath);
  if (handler && !sourcePath.includes("node_modules/")) return `the handler (${handler[1]})`;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(sourcePath);
  return dep ? dep[1] : "other";
}

/**
 * What ran of one bundle's chunks: `coverageDir` holds Deno's raw V8 coverage (one JSON per script), `chunks`
 * the deployed chunks (`{ path, code, map }`, `map` the parsed source map). Chunks that never loaded count as not
 * run. Returns totals (characters are bytes: esbuild writes ASCII), the gzip of the code that ran (its pieces
 * joined in order, gzip -9), and bytes shipped and run per owner (package, the sample's own code, bundler glue).
 */
export function successPath(coverageDir, chunks) {
  const coverage = new Map();
  for (const name of readdirSync(coverageDir)) {
    if (!name.endsWith(".json")) continue;
    const entry = JSON.parse(readFileSync(join(coverageDir, name), "utf8"));
    if (entry.url?.startsWith("file:")) coverage.set(fileURLToPath(entry.url), entry.functions);
  }
  let shipped = 0;
  let ran = 0;
  const pieces = [];
  const owners = new Map();
  for (const chunk of chunks) {
    const { code } = chunk;
    const functions = coverage.get(chunk.path);
    const mask = functions ? ranMask(functions, code.length) : new Uint8Array(code.length);
    const sources = sourceIndexes(code, chunk.map.mappings);
    shipped += code.length;
    let start = -1;
    for (let i = 0; i <= code.length; i++) {
      const on = i < code.length && mask[i] === 1;
      if (on && start < 0) start = i;
      if (!on && start >= 0) {
        pieces.push(code.slice(start, i));
        start = -1;
      }
      if (i === code.length) break;
      ran += mask[i];
      const owner = sources[i] < 0 ? "bundler glue" : ownerOf(chunk.map.sources[sources[i]]);
      const row = owners.get(owner) ?? { shipped: 0, ran: 0 };
      row.shipped += 1;
      row.ran += mask[i];
      owners.set(owner, row);
    }
  }
  const gzip = (text) => gzipSync(Buffer.from(text), { level: 9 }).byteLength;
  return {
    shippedBytes: shipped,
    ranBytes: ran,
    ranGzip: gzip(pieces.join("")),
    owners: [...owners].map(([owner, row]) => ({ owner, ...row })).sort((a, b) => b.shipped - a.shipped),
  };
}

/**
 * The success-path section of docs/benchmarks.md from the success-path suite's rows (one per sample): each
 * sample's deployed and run gzip against `budget` (the size goal), then minified bytes shipped and run per package.
 * @param {{ label: string, value: number, detail: { shippedGzip: number, owners: Record<string, [number, number]> } }[]} rows
 * @param {number | undefined} budget
 * @returns {string[]} markdown lines
 */
export function successPathTable(rows, budget) {
  const n = (x) => x.toLocaleString("en-US");
  const name = (row) => row.label.split(" ")[0];
  const lines = [
    "### What each sample ships, and what a working request runs",
    "",
    "The success-path rows above, beside each deployed size: what the import, a first request and a cache hit run",
    "of the deployed chunks (V8 coverage in Deno). Error paths, options the sample does not use and the messages",
    "of both are the difference.",
    ...(rows.some((row) => row.subject !== undefined && row.subject !== "fedkit")
      ? [
          "",
          "The rows that are not samples are the AWS sample's job done without fedkit, run the same way: on jose and",
          "aws4fetch with none of fedkit's checks, and as the least code with no library (both in `bench/deno/`); the",
          "deno suite's first-request rows measure the same three.",
        ]
      : []),
    "",
    `| Sample | Deployed, gzip | Run on the success path, gzip | Against the ${budget === undefined ? "size" : `${n(budget)} B`} goal |`,
    "| --- | ---: | ---: | --- |",
  ];
  for (const row of rows) {
    const verdict =
      budget === undefined
        ? ""
        : row.value > budget
          ? `the code that runs alone is ${n(row.value - budget)} B over`
          : `the code that runs fits, with ${n(budget - row.value)} B to spare`;
    lines.push(`| ${name(row)} | ${n(row.detail.shippedGzip)} B | ${n(row.value)} B | ${verdict} |`);
  }
  const owners = [...new Set(rows.flatMap((row) => Object.keys(row.detail.owners)))];
  lines.push(
    "",
    "Minified bytes per package, shipped → run (through each bundle's source map):",
    "",
    `| Package | ${rows.map(name).join(" | ")} |`,
    `| --- | ${rows.map(() => "---:").join(" | ")} |`,
  );
  for (const owner of owners) {
    const cells = rows.map((row) => {
      const pair = row.detail.owners[owner];
      return pair ? `${n(pair[0])} → ${n(pair[1])} (${Math.round((pair[1] / pair[0]) * 100)}%)` : "—";
    });
    lines.push(`| ${owner} | ${cells.join(" | ")} |`);
  }
  lines.push("");
  return lines;
}
