// Issue 13's goals as scripts/bench.mjs renders them: one table row per measured figure that carries an
// "(issue 13)" target (fedkit, peer, ratio, goal, pass/fail) and two small SVG charts (deployed sizes against the
// budget; cold and warm costs next to their peers), written beside docs/benchmarks.md and linked from it.

/**
 * Result rows whose target names issue 13, each with its peer's value when the row is compared to one, plus the
 * rows a suite marks `reference: true` (a peer measured the way it runs, shown beside the goals without one).
 */
export function goalRows(doc) {
  const rows = [];
  for (const suite of doc.suites) {
    const byId = new Map(suite.results.map((r) => [r.id, r]));
    for (const r of suite.results) {
      if (!r.target?.text?.includes("issue 13") && r.reference !== true) continue;
      // A ratio row (`<id>-ratio`, unit x) shows its base row's value and the base's peer; the ratio shown is the
      // row's own (a median of interleaved per-sample ratios, what pass/fail is judged on), not a ratio of medians.
      const base = r.unit === "x" ? byId.get(r.id.replace(/-ratio$/, "")) : undefined;
      const peerRow = byId.get(base?.comparedTo ?? r.comparedTo);
      const peer = peerRow
        ? { name: peerRow.subject, value: peerRow.value, unit: peerRow.unit }
        : base?.detail?.memoizeNs !== undefined
          ? { name: r.comparedTo, value: base.detail.memoizeNs, unit: "ns" }
          : undefined;
      const fedkit = base ? { value: base.value, unit: base.unit } : { value: r.value, unit: r.unit };
      const ratio = r.unit === "x" ? r.value : peer && peer.value > 0 ? fedkit.value / peer.value : undefined;
      rows.push({
        suite: suite.suite,
        id: r.id,
        label: r.label,
        subject: base?.subject ?? r.subject,
        reference: r.reference === true,
        fedkit,
        peer,
        ratio,
        target: r.target,
        pass: r.pass,
      });
    }
  }
  // Issue 13's order: deployed size and Deno first, then the hit path, then cold exchanges.
  const rank = (suite) => {
    const i = GOAL_ORDER.indexOf(suite);
    return i === -1 ? GOAL_ORDER.length : i;
  };
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => rank(a.row.suite) - rank(b.row.suite) || a.i - b.i)
    .map(({ row }) => row);
}

const GOAL_ORDER = ["samples", "success-path", "deno", "hit-path", "hit-path-peers", "aws", "azure"];

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * Horizontal bars: [{ label, value, peer? }], scaled to the largest value (or `budget`), with a budget line. With
 * `cap`, the axis stops there and longer bars end at it (their value is still written), so one outlier does not
 * flatten every other bar.
 */
export function barChart(title, bars, { unit, budget, cap } = {}) {
  const rowH = 22;
  const left = 330;
  const width = 760;
  const plot = width - left - 90;
  const largest = Math.max(budget ?? 0, ...bars.flatMap((b) => [b.value, b.peer ?? 0])) || 1;
  const max = cap === undefined ? largest : Math.min(cap, largest);
  const x = (v) => left + (Math.min(v, max) / max) * plot;
  const lines = [];
  let y = 34;
  for (const b of bars) {
    lines.push(
      `<text x="${left - 8}" y="${y + 11}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${left}" y="${y}" width="${Math.max(1, x(b.value) - left).toFixed(1)}" height="${b.peer === undefined ? 14 : 8}" fill="#2b6cb0"/>`,
      `<text x="${x(b.value) + 4}" y="${y + (b.peer === undefined ? 11 : 8)}">${esc(`${b.value.toLocaleString("en-US")} ${unit}`)}</text>`,
    );
    if (b.peer !== undefined)
      lines.push(
        `<rect x="${left}" y="${y + 9}" width="${Math.max(1, x(b.peer) - left).toFixed(1)}" height="6" fill="#a0aec0"/>`,
      );
    y += rowH;
  }
  if (budget !== undefined)
    lines.push(
      `<line x1="${x(budget)}" y1="26" x2="${x(budget)}" y2="${y}" stroke="#c53030" stroke-dasharray="4 3"/>`,
      `<text x="${x(budget) + 4}" y="24" fill="#c53030">budget ${budget.toLocaleString("en-US")} ${unit}</text>`,
    );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y + 10}" font-family="sans-serif" font-size="12" role="img">
<title>${esc(title)}</title>
<text x="8" y="16" font-weight="bold">${esc(title)}</text>
${lines.join("\n")}
</svg>
`;
}

// The Deno goal rows and the AWS size row, each beside the same job done other ways in the same run
// (bench/deno.bench.mjs): [goal row id, suite of the goal row, what it is, jose + aws4fetch with no checks, the least
// code doing the work (no library, no checks), Deno alone with nothing signed].
const FLOORS = [
  [
    "deno-first-request-cpu-fedkit",
    "deno",
    "first request",
    "deno-first-request-cpu-jose-aws4fetch",
    "deno-first-request-cpu-least-code",
    undefined,
  ],
  [
    "deno-warm-overhead-fedkit",
    "deno",
    "warm request",
    "deno-warm-overhead-jose-aws4fetch",
    "deno-warm-overhead-least-signer",
    "deno-warm-overhead-headers",
  ],
  [
    "sample-aws-all-chunks-gzip",
    "samples",
    "AWS sample size",
    "deno-size-jose-aws4fetch",
    undefined,
    undefined,
  ],
];

/**
 * Each floored goal of a run: fedkit's value, the goal, the same job on jose + aws4fetch, the least code doing it
 * and Deno alone (when measured), and a verdict saying which of them the goal lies under. Rows whose figures the
 * run lacks are left out.
 */
export function floorRows(doc) {
  const value = (suiteName, id) =>
    id === undefined
      ? undefined
      : doc.suites.find((suite) => suite.suite === suiteName)?.results.find((r) => r.id === id)?.value;
  const rows = [];
  for (const [goalId, goalSuite, what, libraryId, leastId, platformId] of FLOORS) {
    const goal = doc.suites.find((suite) => suite.suite === goalSuite)?.results.find((r) => r.id === goalId);
    const library = value("deno", libraryId);
    if (goal?.target === undefined || library === undefined) continue;
    const least = value("deno", leastId);
    const limit = goal.target.value;
    // fedkit's own verdict first: a goal fedkit meets is met, whichever floor lies above it.
    const verdict =
      goal.value <= limit
        ? library > limit
          ? "met, though jose + aws4fetch with no checks is above it"
          : "met"
        : least !== undefined && least > limit
          ? "below the least code doing the work: no implementation meets it in this run"
          : library > limit
            ? "below jose + aws4fetch with no checks; only the least code gets under it"
            : "above jose + aws4fetch with no checks: the gap is fedkit's";
    // What a working request runs of each side's code (success-path suite): beside the first request only.
    const ran =
      goalId === "deno-first-request-cpu-fedkit"
        ? {
            fedkit: value("success-path", "success-path-aws-gzip"),
            library: value("success-path", "success-path-jose-aws4fetch-gzip"),
            least: value("success-path", "success-path-least-code-gzip"),
          }
        : undefined;
    rows.push({
      what,
      unit: goal.unit,
      ...(ran !== undefined && Object.values(ran).every((x) => x !== undefined) ? { ran } : {}),
      goal: goal.target.text,
      fedkit: goal.value,
      library,
      least,
      platform: value("deno", platformId),
      overLibrary: goal.value / library,
      pass: goal.pass,
      limit,
      verdict,
    });
  }
  return rows;
}

/** The floor rows as a markdown section (empty when the run measured no floor). */
export function floorTable(rows, format) {
  if (rows.length === 0) return [];
  const cell = (row, x) => (x === undefined ? "—" : format(x, row.unit));
  const lines = [
    "### The goals beside their floors",
    "",
    "The Deno goal rows and the AWS size row again, beside the same job done other ways in the same run (deno",
    "suite): on jose and aws4fetch with none of fedkit's checks (no official-host allowlist, redirect refusal,",
    "key-set validation, deploy-context binding, retries, deadline, audit or per-subject cache keys); the least",
    "code doing the work, with no library and no checks (first request: only the platform calls any",
    "implementation makes; warm: one real SigV4 signature with a kept key); and, for the warm request, Deno",
    "alone sending the signed request's headers with nothing signed. A goal below the least code cannot be met",
    "by any implementation in that run; above it, what fedkit costs beyond it is fedkit's.",
    "",
    "| Figure | Goal | fedkit | jose + aws4fetch, no checks | fedkit / that | Least code, no checks | Deno alone | Where the goal lies |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.what} | ${row.goal} | ${cell(row, row.fedkit)} | ${cell(row, row.library)} | ${row.overLibrary.toFixed(2)}× | ${cell(row, row.least)} | ${cell(row, row.platform)} | ${row.verdict} |`,
    );
  }
  for (const row of rows) if (row.ran !== undefined) lines.push("", ...ranLine(row));
  lines.push("");
  return lines;
}

/**
 * The code each side's working request runs beside its first-request CPU, and where, at the rate the CPU rose
 * between the two floors, the goal's CPU would be reached: an interpolation between two measured points, said so.
 */
function ranLine(row) {
  const n = (x) => Math.round(x).toLocaleString("en-US");
  const { ran } = row;
  const msPerKb = ((row.library - row.least) / (ran.library - ran.least)) * 1000;
  const atGoal = ran.least + ((row.limit - row.least) / msPerKb) * 1000;
  const text = [
    `What a working request runs of each side's code (success-path suite, gzip of the code that ran): fedkit ${n(ran.fedkit)} B,`,
    `jose + aws4fetch ${n(ran.library)} B, the least code ${n(ran.least)} B.`,
  ];
  if (msPerKb > 0)
    text.push(
      `Between the two floors, the first request's CPU rose ${msPerKb.toFixed(2)} ms per 1,000 B run; at that rate (an`,
      `interpolation, not a measurement) the ${row.goal} goal is reached at about ${n(atGoal)} B run, ${
        atGoal < ran.library
          ? "less than jose + aws4fetch runs with no checks"
          : "no less than jose + aws4fetch runs"
      }.`,
    );
  return text;
}
