// The shared benchmark harness: timing (measure), bundle size (sizeOf) and the results file every
// bench/<area>.bench.mjs writes (writeSuite). scripts/bench.mjs runs each bench file in its own process, merges
// bench/results/<suite>.json into bench/results/latest.json and renders docs/benchmarks.md.
//
// Results schema 1 (extend by adding fields, never by renaming):
//   latest.json = { schema: 1, runAt, machine: { cpus, model, node, platform, loadavg }, seconds?, suites: [Suite] }
//   Suite       = { suite, description, runAt, machine, seconds?, results: [Result] }
//   Result      = { id, label, subject: "fedkit" | "<peer name>", metric, value, unit, comparedTo?,
//                   target?: { op: "<=" | "<" | ">=", value, unit, text }, pass?, detail?,
//                   reference?: true (a peer's figure the goals table shows beside the goals, without one) }
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const SCHEMA = 1;
export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

/** The machine the figures come from. */
export function machine() {
  const list = cpus();
  return {
    cpus: list.length,
    model: list[0]?.model?.trim() ?? "unknown",
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    // The machine is shared: the load when the figures were taken is part of their conditions.
    loadavg: loadavg().map((x) => Math.round(x * 10) / 10),
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** Nanoseconds per call of `fn` over `batch` calls (awaited when `fn` returns a promise). */
async function timeBatch(fn, batch, isAsync) {
  const start = process.hrtime.bigint();
  if (isAsync) for (let i = 0; i < batch; i++) await fn();
  else for (let i = 0; i < batch; i++) fn();
  return Number(process.hrtime.bigint() - start) / batch;
}

/**
 * Process CPU (user + system, µs) and wall time (ns) per call of `fn` over `n` awaited calls: one round of a cold
 * measurement, whose calls are too slow and too noisy for {@link measure}'s batches.
 * @returns {Promise<{ cpuUs: number, wallNs: number }>}
 */
export async function cpuPerCall(fn, n) {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn();
  const wallNs = Number(process.hrtime.bigint() - t0) / n;
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: (cpu.user + cpu.system) / n, wallNs };
}

/**
 * Times `fn`. Sub-microsecond calls are measured in batches (one hrtime pair per batch), so each sample is the
 * mean of `batch` calls; the statistics are over samples.
 *
 * @param {string} name
 * @param {() => unknown} fn  sync or async; an async fn is awaited on every call, as a caller would
 * @param {{ iterations?: number, warmup?: number, batch?: number, async?: boolean }} [options]
 *   iterations: samples (default 200); warmup: calls before timing (default 2000); batch: calls per sample
 *   (default: calibrated so that one sample takes about 50 µs); async: force awaiting (default: detected)
 * @returns {Promise<{ name, medianNs, p95Ns, meanNs, minNs, samples, batch, calls }>}
 */
export async function measure(name, fn, options = {}) {
  const iterations = options.iterations ?? 200;
  const warmup = options.warmup ?? 2000;
  const first = fn();
  const isAsync = options.async ?? (first !== null && typeof first?.then === "function");
  if (isAsync) await first;
  for (let i = 0; i < warmup; i++) {
    if (isAsync) await fn();
    else fn();
  }
  let batch = options.batch;
  if (batch === undefined) {
    const probe = await timeBatch(fn, 100, isAsync);
    batch = Math.max(1, Math.min(100_000, Math.round(50_000 / Math.max(probe, 1))));
  }
  const samples = [];
  for (let i = 0; i < iterations; i++) samples.push(await timeBatch(fn, batch, isAsync));
  const sorted = [...samples].sort((a, b) => a - b);
  const meanNs = samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    name,
    medianNs: percentile(sorted, 50),
    p95Ns: percentile(sorted, 95),
    meanNs,
    minNs: sorted[0],
    samples: samples.length,
    batch,
    calls: samples.length * batch,
  };
}

function summarize(name, samples, batch) {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    name,
    medianNs: percentile(sorted, 50),
    p95Ns: percentile(sorted, 95),
    meanNs: samples.reduce((x, y) => x + y, 0) / samples.length,
    minNs: sorted[0],
    samples: samples.length,
    batch,
    calls: samples.length * batch,
  };
}

/**
 * Times two functions side by side: every sample times one batch of `a` and, right after, one batch of `b`
 * (alternating which goes first), so both see the same load of a shared machine. Returns each side's statistics
 * and the median of the per-sample ratios a/b, which is far steadier than a ratio of two separate medians.
 *
 * @param {[string, () => unknown]} a
 * @param {[string, () => unknown]} b
 * @param {{ iterations?: number, warmup?: number, batch?: number }} [options]
 * @returns {Promise<{ a, b, ratioMedian: number, ratioP95: number }>}
 */
export async function compare([nameA, fnA], [nameB, fnB], options = {}) {
  const iterations = options.iterations ?? 1000;
  const warmup = options.warmup ?? 5000;
  const asyncA = isThenable(fnA());
  const asyncB = isThenable(fnB());
  for (let i = 0; i < warmup; i++) {
    if (asyncA) await fnA();
    else fnA();
    if (asyncB) await fnB();
    else fnB();
  }
  let batch = options.batch;
  if (batch === undefined) {
    const probe = Math.max(await timeBatch(fnA, 100, asyncA), await timeBatch(fnB, 100, asyncB));
    batch = Math.max(1, Math.min(100_000, Math.round(20_000 / Math.max(probe, 1))));
  }
  const samplesA = [];
  const samplesB = [];
  const ratios = [];
  for (let i = 0; i < iterations; i++) {
    let ta;
    let tb;
    if (i % 2 === 0) {
      ta = await timeBatch(fnA, batch, asyncA);
      tb = await timeBatch(fnB, batch, asyncB);
    } else {
      tb = await timeBatch(fnB, batch, asyncB);
      ta = await timeBatch(fnA, batch, asyncA);
    }
    samplesA.push(ta);
    samplesB.push(tb);
    ratios.push(ta / tb);
  }
  const sortedRatios = [...ratios].sort((x, y) => x - y);
  return {
    a: summarize(nameA, samplesA, batch),
    b: summarize(nameB, samplesB, batch),
    ratioMedian: percentile(sortedRatios, 50),
    ratioP95: percentile(sortedRatios, 95),
  };
}

function isThenable(value) {
  return value !== null && typeof value?.then === "function";
}

/**
 * Bundles `entryFile` with esbuild (bundle, minify, ESM) and returns raw and gzip sizes. Build errors are
 * captured, not thrown, so a suite can record why an entry did not bundle.
 *
 * @param {string} entryFile
 * @param {{ platform?: "browser" | "neutral" | "node", external?: string[], conditions?: string[] }} [options]
 * @returns {Promise<{ entry, platform, bytes?, gzipBytes?, errors: string[], warnings: number }>}
 */
export async function sizeOf(entryFile, options = {}) {
  const { build } = await import("esbuild");
  const platform = options.platform ?? "browser";
  try {
    const result = await build({
      entryPoints: [entryFile],
      bundle: true,
      minify: true,
      format: "esm",
      platform,
      target: "es2022",
      write: false,
      logLevel: "silent",
      external: options.external ?? [],
      ...(options.conditions ? { conditions: options.conditions } : {}),
      ...(platform === "neutral" ? { mainFields: ["module", "main"] } : {}),
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    return {
      entry: entryFile,
      platform,
      bytes: code.byteLength,
      gzipBytes: gzipSync(code, { level: 9 }).byteLength,
      errors: result.errors.map((e) => e.text),
      warnings: result.warnings.length,
    };
  } catch (error) {
    const errors = Array.isArray(error?.errors)
      ? error.errors.map((e) => e.text)
      : [String(error?.message ?? error)];
    return { entry: entryFile, platform, errors, warnings: 0 };
  }
}

const OPS = {
  "<=": (a, b) => a <= b,
  "<": (a, b) => a < b,
  ">=": (a, b) => a >= b,
};

/**
 * One result row. `pass` is computed when a target is given.
 * @param {{ id: string, label: string, subject: string, metric: string, value: number, unit: string,
 *   comparedTo?: string, target?: { op: "<=" | "<" | ">=", value: number, unit: string, text: string },
 *   detail?: Record<string, unknown> }} row
 */
export function result(row) {
  if (!row.id || !row.label || !row.subject || !row.metric || typeof row.value !== "number" || !row.unit) {
    throw new TypeError(
      `result: id, label, subject, metric, numeric value and unit are required (${row.id})`,
    );
  }
  const out = { ...row };
  if (row.target) {
    const compare = OPS[row.target.op];
    if (!compare) throw new TypeError(`result: target.op must be one of ${Object.keys(OPS).join(", ")}`);
    out.pass = Number.isFinite(row.value) && compare(row.value, row.target.value);
  }
  return out;
}

/** Nanoseconds as the unit a table shows best. */
export function ns(value) {
  return Math.round(value * 10) / 10;
}

/**
 * Writes bench/results/<suite>.json (what scripts/bench.mjs merges) and prints a short table.
 * @param {string} suite  short id, also the file name
 * @param {string} description  one sentence: what is measured and why
 * @param {ReturnType<typeof result>[]} results
 */
export function writeSuite(suite, description, results) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const doc = {
    schema: SCHEMA,
    runAt: new Date().toISOString(),
    machine: machine(),
    suite,
    description,
    results,
  };
  writeFileSync(join(RESULTS_DIR, `${suite}.json`), `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`\n${suite}: ${description}`);
  for (const r of results) {
    const verdict = r.pass === undefined ? "" : r.pass ? "  PASS" : "  FAIL";
    const target = r.target ? `  (target ${r.target.text})` : "";
    console.log(`  ${r.label.padEnd(58)} ${String(r.value).padStart(12)} ${r.unit}${target}${verdict}`);
  }
  return doc;
}
