#!/usr/bin/env node
// Runs every bench/*.bench.mjs in its own Node process (so one suite's JIT state and heap cannot colour
// another's), merges the suites' bench/results/<suite>.json into bench/results/latest.json, and renders
// docs/benchmarks.md. `npm run bench` installs and builds first; `node scripts/bench.mjs core aws` runs only
// the bench files whose names contain one of the arguments (the other suites' last results are kept).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { barChart, goalRows } from "../bench/lib/goals.mjs";
import { machine, RESULTS_DIR, SCHEMA } from "../bench/lib/harness.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = join(root, "bench");
const filters = process.argv.slice(2);

const files = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const failures = [];
for (const file of files) {
  console.log(`\n▶ bench/${file}`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ["--expose-gc", join(benchDir, file)], {
    cwd: root,
    stdio: "inherit",
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (run.status === 0) console.log(`✔ bench/${file} (${seconds}s)`);
  else {
    failures.push(file);
    console.error(`✖ bench/${file} failed (exit ${run.status ?? run.signal}) after ${seconds}s`);
  }
}

const suites = existsSync(RESULTS_DIR)
  ? readdirSync(RESULTS_DIR)
      .filter((f) => f.endsWith(".json") && f !== "latest.json")
      .map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), "utf8")))
      .filter((doc) => doc.schema === SCHEMA && Array.isArray(doc.results))
      .sort((a, b) => (a.suite === "core" ? -1 : b.suite === "core" ? 1 : a.suite.localeCompare(b.suite)))
  : [];

const latest = {
  schema: SCHEMA,
  runAt: new Date().toISOString(),
  machine: machine(),
  suites: suites.map(({ suite, description, runAt, results }) => ({ suite, description, runAt, results })),
};
writeFileSync(join(RESULTS_DIR, "latest.json"), `${JSON.stringify(latest, null, 2)}\n`);
const goals = goalRows(latest);
writeCharts(goals);
writeFileSync(join(root, "docs", "benchmarks.md"), render(latest, failures, goals));
// The page is generated, but `biome check .` (in `npm test`) formats Markdown too: hand it over formatted.
const biome = join(root, "node_modules", ".bin", process.platform === "win32" ? "biome.cmd" : "biome");
if (existsSync(biome))
  spawnSync(biome, ["format", "--write", join(root, "docs", "benchmarks.md")], {
    cwd: root,
    stdio: "ignore",
  });
console.log(`\nwrote bench/results/latest.json and docs/benchmarks.md (${suites.length} suites)`);
if (failures.length > 0) {
  console.error(`benchmarks that failed to run: ${failures.join(", ")}`);
  process.exit(1);
}

function formatValue(value, unit) {
  if (unit === "bytes" && value >= 1024)
    return `${value.toLocaleString("en-US")} B (${(value / 1024).toFixed(1)} KiB)`;
  if (unit === "ns" && value >= 10_000) return `${(value / 1000).toFixed(1)} µs`;
  return `${typeof value === "number" ? value.toLocaleString("en-US", { maximumFractionDigits: 3 }) : value} ${unit}`;
}

// The two charts the goals section links: deployed sizes against the budget, and costs next to their peers.
function writeCharts(goals) {
  const sizes = goals.filter((g) => g.fedkit.unit === "bytes");
  writeFileSync(
    join(root, "docs", "benchmarks-sizes.svg"),
    barChart(
      "Sample sites: every deployed chunk, gzip",
      sizes.map((g) => ({ label: g.label.split(":")[0], value: g.fedkit.value })),
      { unit: "B", budget: sizes[0]?.target.value },
    ),
  );
  const costs = goals.filter((g) => g.peer !== undefined);
  writeFileSync(
    join(root, "docs", "benchmarks-costs.svg"),
    barChart(
      "Cold and warm costs: fedkit (blue) vs peer (grey), same run",
      costs.map((g) => ({ label: g.label.slice(0, 48), value: g.fedkit.value, peer: g.peer.value })),
      { unit: costs[0]?.fedkit.unit ?? "" },
    ),
  );
}

function goalsSection(goals) {
  const lines = [
    "## Goals (issue 13), on the sample sites as users write them",
    "",
    "![Deployed sizes](benchmarks-sizes.svg)",
    "",
    "![Cold and warm costs](benchmarks-costs.svg)",
    "",
    "Conditions. Sizes: each sample's main edge function (`withFedkit` + its cloud plugin + a signed request) bundled",
    "by esbuild (minified ESM, code splitting, deno/worker/browser conditions); every chunk counts, each gzip -9; the",
    "bytes a request evaluates at import are in the samples details. Deno import: that bundle imported in fresh",
    "`deno run` processes (the first run fills a scratch DENO_DIR, so the code cache is warm for the median of the",
    "following runs), minus an empty module imported the same way, interleaved; `process` is trapped, so a read of it",
    "(which loads Deno's Node layer) is counted. Mints: 1,000 concurrent `fedkitFor` + `credentials` calls on a cold",
    "isolate (what `withFedkit` does per request), counting RS256 signatures of JWT inputs (the key import's own check",
    "apart). Cache hit: the `withFedkit` path interleaved batch by batch with smithy `memoize` in one process, ratio =",
    "median of per-batch ratios. Cold AWS CPU (aws suite): process CPU per cold exchange with Node's global fetch vs",
    "the SDK's `fromWebToken`, interleaved rounds.",
    "",
    "The per-suite sections below keep the older figures from minimal entries (`bench/entries/*`) and fast paths",
    "(`staticToken` with `peek`, an injected `node:http` transport): users never run those, so they carry no goal",
    "and are kept only to compare engines with their peers. Pressure and scale figures (scale, subjects) are below.",
    "",
    "| Figure | fedkit | Peer | Ratio | Goal | Result |",
    "| --- | ---: | ---: | ---: | --- | :---: |",
  ];
  for (const g of goals) {
    const peer = g.peer ? `${formatValue(g.peer.value, g.peer.unit)} (${g.peer.name})` : "";
    const ratio = g.ratio === undefined ? "" : `${g.ratio.toFixed(2)}×`;
    lines.push(
      `| ${g.label} | ${formatValue(g.fedkit.value, g.fedkit.unit)} | ${peer} | ${ratio} | ${g.target.text} | ${g.pass ? "✅ pass" : "❌ fail"} |`,
    );
  }
  lines.push("");
  return lines;
}

function render(doc, failed, goals) {
  const m = doc.machine;
  const lines = [
    "# Benchmarks",
    "",
    "<!-- Generated by scripts/bench.mjs from bench/results/latest.json. Do not edit by hand: run `npm run bench`. -->",
    "",
    `Last run: ${doc.runAt} on ${m.cpus} × ${m.model}, Node ${m.node}, ${m.platform}.`,
    "",
    "These are benchmarks, not timed tests: they measure, they do not gate `npm test`. A row with a target shows",
    "whether that run met it. Figures come from a shared machine and vary from run to run; compare rows of the same",
    "run (peers are measured side by side in the same process) rather than across runs.",
    "",
    ...goalsSection(goals),
  ];
  for (const suite of doc.suites) {
    lines.push(`## ${suite.suite}`, "", suite.description, "", `Run at ${suite.runAt}.`, "");
    lines.push("| Measure | Subject | Value | Target | Result |", "| --- | --- | ---: | --- | :---: |");
    for (const r of suite.results) {
      const verdict = r.pass === undefined ? "" : r.pass ? "✅ pass" : "❌ fail";
      lines.push(
        `| ${r.label} | ${r.subject} | ${formatValue(r.value, r.unit)} | ${r.target?.text ?? ""} | ${verdict} |`,
      );
    }
    const notes = suite.results.filter((r) => r.detail);
    if (notes.length > 0) {
      lines.push("", "<details><summary>Details</summary>", "");
      for (const r of notes) lines.push(`- \`${r.id}\`: \`${JSON.stringify(r.detail)}\``);
      lines.push("", "</details>");
    }
    lines.push("");
  }
  if (failed.length > 0)
    lines.push("## Did not run", "", ...failed.map((f) => `- bench/${f} exited with an error`), "");
  lines.push(
    "## How to reproduce",
    "",
    "```sh",
    "npm run bench                  # install (pinned pnpm via npx), build, run every bench/*.bench.mjs",
    'node scripts/bench.mjs core    # after a build: only the suites whose file name contains "core"',
    "```",
    "",
    "Each `bench/<area>.bench.mjs` runs in its own Node process against the built packages and writes",
    "`bench/results/<suite>.json`; `scripts/bench.mjs` merges them into `bench/results/latest.json` (schema 1:",
    "`{ schema, runAt, machine, suites: [{ suite, description, runAt, results: [{ id, label, subject, metric, value,",
    "unit, comparedTo?, target?, pass?, detail? }] }] }`) and renders this page. Timings use `process.hrtime.bigint()`",
    "over batches of calls (so sub-microsecond calls are measurable), reported as the median of the samples; sizes",
    "are esbuild bundles (minified ESM) compressed with gzip level 9. The harness is `bench/lib/harness.mjs`.",
    "",
  );
  return `${lines.join("\n")}\n`;
}
