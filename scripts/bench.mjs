#!/usr/bin/env node
// Runs the bench/*.bench.mjs files (all but the long pressure suites, unless --all), each in its own Node process
// (so one suite's JIT state and heap cannot colour another's), merges the suites' bench/results/<suite>.json into bench/results/latest.json, and renders
// docs/benchmarks.md. `npm run bench` installs and builds first; `node scripts/bench.mjs core aws` runs only
// the bench files whose names contain one of the arguments (the other suites' last results are kept).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { barChart, floorRows, floorTable, goalRows } from "../bench/lib/goals.mjs";
import { machine, RESULTS_DIR, SCHEMA } from "../bench/lib/harness.mjs";
import { successPathTable } from "../bench/lib/success-path.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = join(root, "bench");
const args = process.argv.slice(2);
const all = args.includes("--all");
const filters = args.filter((a) => a !== "--all");
// The pressure suites (50 isolates × 1,000 subjects; 10,000 subjects) take minutes on their own and carry no
// issue-13 row: `npm run bench` leaves them out so the run stays short, `--all` or their name runs them, and the
// page says when their figures were taken.
const LONG_SUITES = ["scale", "subjects"];

const files = readdirSync(benchDir)
  .filter((f) => f.endsWith(".bench.mjs"))
  .filter((f) =>
    filters.length > 0
      ? filters.some((x) => f.includes(x))
      : all || !LONG_SUITES.includes(f.replace(/\.bench\.mjs$/, "")),
  )
  .sort();

const runStarted = new Date();
const failures = [];
const secondsBySuite = {};
for (const file of files) {
  console.log(`\n▶ bench/${file}`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ["--expose-gc", join(benchDir, file)], {
    cwd: root,
    stdio: "inherit",
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  secondsBySuite[file.replace(/\.bench\.mjs$/, "")] = Number(seconds);
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
      // A results file whose bench file is gone would carry figures no run produces any more.
      .filter((doc) => existsSync(join(benchDir, `${doc.suite}.bench.mjs`)))
      .sort((a, b) => (a.suite === "core" ? -1 : b.suite === "core" ? 1 : a.suite.localeCompare(b.suite)))
  : [];

const latest = {
  schema: SCHEMA,
  runAt: new Date().toISOString(),
  machine: machine(),
  seconds: Math.round((Date.now() - runStarted.getTime()) / 100) / 10,
  suites: suites.map(({ suite, description, runAt, machine: taken, results }) => ({
    suite,
    description,
    runAt,
    ...(taken?.loadavg ? { loadavg: taken.loadavg } : {}),
    // Set when this run ran the suite; a suite kept from an earlier run says so on the page.
    ...(secondsBySuite[suite] !== undefined && new Date(runAt) >= runStarted
      ? { seconds: secondsBySuite[suite] }
      : {}),
    results,
  })),
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

function shorten(text, n) {
  return text.length <= n ? text : `${text.slice(0, n - 1)}…`;
}

// The two charts the goals section links: deployed sizes against the budget, and costs next to their peers.
function writeCharts(goals) {
  // The rows with a size budget; each bar's grey twin is the same chunks' code alone (string literals removed).
  const sizes = goals.filter((g) => g.fedkit.unit === "bytes" && g.target !== undefined);
  const codeAlone = (g) =>
    goals.find((c) => c.id === g.id.replace("-all-chunks-", "-code-only-"))?.fedkit.value;
  writeFileSync(
    join(root, "docs", "benchmarks-sizes.svg"),
    barChart(
      "Sample sites: every deployed chunk, gzip (grey: code alone)",
      sizes.map((g) => ({ label: g.label.split(":")[0], value: g.fedkit.value, peer: codeAlone(g) })),
      { unit: "B", budget: sizes[0]?.target.value },
    ),
  );
  // Units differ from row to row (ns, µs, ms, requests): each bar is fedkit's figure over its peer's, the peer
  // being 1 (grey).
  const costs = goals.filter((g) => g.ratio !== undefined && !g.reference);
  writeFileSync(
    join(root, "docs", "benchmarks-costs.svg"),
    barChart(
      "Cold and warm costs: fedkit (blue) / its peer (grey = 1), same run",
      costs.map((g) => ({
        label: `${shorten(g.label, 36)} / ${shorten(g.peer.name, 15)}`,
        value: Math.round(g.ratio * 1000) / 1000,
        peer: 1,
      })),
      { unit: "×", cap: 4 },
    ),
  );
}

function goalsSection(goals, success, floors) {
  const lines = [
    "## Goals (issue 13), on the sample sites as users write them",
    "",
    "![Deployed sizes](benchmarks-sizes.svg)",
    "",
    "![Cold and warm costs](benchmarks-costs.svg)",
    "",
    "| Figure | fedkit | Peer | Ratio | Goal | Result |",
    "| --- | ---: | ---: | ---: | --- | :---: |",
  ];
  const conditions = [
    "",
    "### Conditions of each measurement",
    "",
    "- **Sizes** (samples suite): each sample's main edge function (`withFedkit` + its cloud plugin + a signed",
    "  request, as written in `apps/`) bundled by esbuild (minified ESM, code splitting, deno/worker/browser",
    "  conditions); every chunk counts, each gzip -9; the bytes a request evaluates at import are in the samples",
    "  section. Netlify's own bundler (eszip) is in the netlify section. The code-alone rows gzip the same chunks",
    "  with every string literal and template text removed (acorn's tokens): what is left when no message, hint",
    "  or host table is shipped. `npm test` holds each sample, bundled the same way from source, to a ceiling",
    "  (`bench/lib/size-budgets.json`): a sample that grows past it fails, and one that shrinks well below it fails",
    "  until the ceiling is lowered, so a gain is kept.",
    "- **Deno import** (samples suite): that bundle imported in fresh `deno run` processes, minus an empty module",
    "  imported the same way, interleaved; the first run fills a scratch DENO_DIR, so the V8 code cache is warm for",
    "  the median of the following runs. `process` is trapped, so a read of it (Deno's Node layer) is counted.",
    "  Wall time includes waiting for a core when the machine is loaded: the import's process CPU is beside it in",
    "  the samples details (`importCpuMs`), and the deno suite compares fedkit's and the SDK's imports by CPU.",
    "- **Mints** (samples suite): 1,000 concurrent `fedkitFor` + `credentials` calls on a cold isolate (what",
    "  `withFedkit` does per request), counting RS256 signatures of JWT inputs (the key import's own check apart).",
    "- **Cache hit** (hit-path suite): the `withFedkit` path interleaved batch by batch with smithy `memoize` in one",
    "  Node process; ratio = median of per-batch ratios. The request row runs what `withFedkit` runs per request",
    "  (its internal `requestHandle`, synchronous once the isolate's keys are loaded, then `credentials(target)`); the",
    "  handle row `credentials(target)` on an existing handle; the engine row `getCredentials` as the adapter calls",
    "  it. S3Client's own credential provider (fromWebToken behind",
    "  the client's identity memoizer, `s3.config.credentials()`) is measured the same way against `memoize` in",
    "  the hit-path-peers suite and shown as a reference row.",
    "- **Cold AWS CPU** (aws suite): Node process CPU per cold exchange against a loopback STS in a child process",
    "  (its CPU not counted). fedkit: the default `fetch` (Node's global fetch, nothing injected), one federation",
    "  and provider reused as `withFedkit` keeps them per isolate, and a token for a new subject on every call, so",
    "  each call is a cache miss and a full exchange (a reference row repeats it with a new federation per call);",
    "  the SDK: `fromWebToken` per call, and one `STSClient` reused for every `AssumeRoleWithWebIdentityCommand`.",
    "  Every side (fedkit, the SDK both ways, the floor) sends a token never sent before on each exchange, so all",
    "  meet the emulator's STS in the same state (a verifying STS may answer a token it has seen from a cache).",
    "  Tokens are static strings minted before the run, so minting is excluded; one",
    "  RS256 signature's CPU is reported apart. Three measuring processes in turn, each with 500 warm-up exchanges",
    "  per side (JIT warm: Node 20 optimizes a function after roughly 450 + 200,000 / bytecode-bytes calls), then 6",
    "  rounds of 50 exchanges per side in rotating order; ratios are",
    "  medians of the 18 pooled per-round ratios (their middle half is in the details: how far one round strays),",
    "  so one process's JIT decisions are a third of the figure, not all of it. A fifth side,",
    "  the floor (reference rows), sends the same STS POST with Node's fetch alone as fedkit sends it (a",
    '  controller\'s signal with a timer, `redirect: "manual"`, the answer read) and does nothing else: no',
    "  fetch-based exchange can cost less in that process.",
    "- **Deno requests** (deno suite): the AWS sample bundle (the samples suite's output), the same function",
    "  written with the AWS SDK v3 (one S3Client per isolate, the SDK's Node build through esbuild: its browser",
    "  build fails on `DOMParser` in Deno), and an empty handler making the same S3 GET unsigned, all served by",
    "  Deno 2.9 (npm `deno`) against one loopback S3/STS in the Node parent (its CPU not counted), whose credentials",
    "  have real STS sizes (a 40-character secret, a 1,024-character session token that every signed request",
    "  carries and hashes). A fourth handler sends the same GET with fixed SigV4 headers of those sizes and a",
    "  signal, signing nothing: its overhead (a reference row) is Deno's own share, paid before any signing. Warm overhead:",
    "  in one isolate, batches of 20 requests interleaved with the empty handler's, 50 warm-up requests each;",
    "  Deno process CPU per request (`Deno.cpuUsage`, all threads), median of per-batch differences (wall-time",
    "  difference in the details). First request: fresh `deno run` processes, import + first request, process",
    "  CPU minus the empty handler's in the run beside it (median over runs); code cache warm (one run per module",
    "  first filled a scratch DENO_DIR). A reference row repeats the first request in the same runs with ES256",
    "  issuer keys instead of the default RS256 (`fedkit keys generate --alg ES256`; AWS and GCP accept ES256,",
    "  Entra only RS256): the mint's share of the row.",
    "  Three more handlers do the same job other ways, in the same runs and conditions. The jose + aws4fetch",
    "  handler (`bench/deno/jose-aws4fetch-handler.mjs`, bundled like the sample) mints with jose and signs with aws4fetch",
    "  (one `AwsClient` per credential set), reads the STS answer with regular expressions and has none of fedkit's",
    "  checks; it is measured on size, first request and warm request. The first request's least code",
    "  (`bench/deno/least-code-handler.mjs`) makes only the platform calls every implementation makes once per",
    "  isolate, the cheapest way Deno offers and with no library: the RSA key import, one RS256 signature, the",
    "  STS POST read as text, SigV4's five HMACs and one SHA-256 (WebCrypto), and the S3 GET with the four signed",
    "  headers. The warm request's least code (`bench/deno/least-signer-handler.mjs`) signs each GET for real",
    "  (the time formatted per request, the canonical request hashed and MACed with the per-isolate key by",
    "  @noble/hashes, synchronously) and checks nothing. Each first-request row's details keep every run's own",
    "  CPU (`ownCpuPerRunMs`), the spread behind the median.",
    "- **Success path** (success-path suite): each sample's chunks, bundled as above with source maps beside",
    "  them (checked byte for byte against the deployed ones), run in a fresh `deno run --coverage` process: the",
    "  import, a first request (mint, exchange, the signed or bearer request) and a second one (a cache hit),",
    "  against one loopback server answering as each cloud answers a success. V8's precise block coverage marks",
    "  each byte whose innermost function or block ran at least once; the row gzips those pieces joined in order,",
    "  and the table under the goals splits the minified bytes by package. The AWS job's two floors of the deno",
    "  suite (jose + aws4fetch, the least code) are bundled and run the same way, as reference rows.",
    "  The loopback endpoints are opted-in",
    "  origins, so the official-host checks a deployed site also runs (host tables, the refusal of",
    "  customer-controlled names) are not counted: each row is a lower bound of what a real request runs.",
    "- **Azure concurrency** (azure suite): 1,000 concurrent cold callers on one client each (one federation; one",
    "  `ClientAssertionCredential`) against the emulated Entra over TLS: token requests counted by the emulator,",
    "  wall time until every caller holds a token.",
    "",
  ];
  for (const g of goals) {
    const peer = g.peer ? `${formatValue(g.peer.value, g.peer.unit)} (${g.peer.name})` : "";
    const ratio = g.ratio === undefined ? "" : `${g.ratio < 0.01 ? g.ratio.toFixed(3) : g.ratio.toFixed(2)}×`;
    const fedkit = formatValue(g.fedkit.value, g.fedkit.unit);
    lines.push(
      g.reference
        ? `| ${g.label} | ${fedkit} (${g.subject}) | ${peer} | ${ratio} | reference, no goal | |`
        : `| ${g.label} | ${fedkit} | ${peer} | ${ratio} | ${g.target.text} | ${g.pass ? "✅ pass" : "❌ fail"} |`,
    );
  }
  const sizeGoal = goals.find((g) => g.fedkit.unit === "bytes" && g.target !== undefined)?.target.value;
  if (success.length > 0) lines.push("", ...successPathTable(success, sizeGoal));
  const floorLines = floorTable(floors, formatValue);
  if (floorLines.length > 0 && lines.at(-1) !== "") lines.push("");
  lines.push(...floorLines);
  lines.push(...conditions);
  return lines;
}

function render(doc, failed, goals) {
  const m = doc.machine;
  const lines = [
    "# Benchmarks",
    "",
    "<!-- Generated by scripts/bench.mjs from bench/results/latest.json. Do not edit by hand: run `npm run bench`. -->",
    "",
    `Last run: ${doc.runAt} on ${m.cpus} × ${m.model}, Node ${m.node}, ${m.platform}; the suites took ${doc.seconds} s.`,
    `Load average at the end of the run: ${(m.loadavg ?? []).join(", ")} (1, 5, 15 min) on ${m.cpus} cores.`,
    "",
    "These are benchmarks, not timed tests: they measure, they do not gate `npm test`. A row with a target shows",
    "whether that run met it. Figures come from a shared machine and vary from run to run; compare rows of the same",
    "run (peers are measured side by side, interleaved, in the same conditions) rather than across runs.",
    "",
    ...goalsSection(
      goals,
      doc.suites.find((suite) => suite.suite === "success-path")?.results ?? [],
      floorRows(doc),
    ),
  ];
  lines.push(
    "## Every figure, by suite",
    "",
    "Besides the goal rows above, the suites keep figures from minimal entries (`bench/entries/*`) and engine fast",
    "paths (`staticToken` with `peek`): users never run those, so they carry no issue-13 goal; they compare the",
    "engines with their peers. Pressure and scale figures are in the scale suite.",
    "",
  );
  for (const suite of doc.suites) {
    const when =
      suite.seconds === undefined
        ? LONG_SUITES.includes(suite.suite)
          ? `A long pressure suite, left out of a plain \`npm run bench\` (run it with \`npm run bench -- --all\` or \`node scripts/bench.mjs ${suite.suite}\`): figures from ${suite.runAt}.`
          : `Not re-run by the last \`npm run bench\`: figures from ${suite.runAt}.`
        : `Run at ${suite.runAt} (${suite.seconds} s${suite.loadavg ? `, load ${suite.loadavg.join(", ")}` : ""}).`;
    lines.push(`### ${suite.suite}`, "", suite.description, "", when, "");
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
    "npm run bench                  # install (pinned pnpm via npx), build, run every suite but scale and subjects",
    "npm run bench -- --all         # the same, with the long pressure suites (scale: minutes on its own)",
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
    "Sample counts can be raised for a quieter or a more thorough run (defaults in brackets): `AWS_COLD_ROUNDS`",
    "(16 rounds of 50 exchanges per side), `DENO_FIRST_RUNS` (45 fresh Deno processes per module), `DENO_WARM_SAMPLES`",
    "(200 interleaved batches of 20 requests), `DENO_RUNS` (7 imports per sample), `ITERATIONS` (400 interleaved",
    "batches on the hit path).",
    "",
  );
  return `${lines.join("\n")}\n`;
}
