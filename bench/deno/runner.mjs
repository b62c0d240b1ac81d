// Runs inside `deno run` (spawned by bench/deno.bench.mjs): imports an edge function's bundle the way Netlify's
// Deno runtime does, serves requests through it against the loopback S3/STS of the Node parent, and prints one
// JSON line. Process CPU comes from Deno.cpuUsage() (getrusage: every thread, so Deno's worker threads count),
// and nothing here touches `process` (which would load Deno's Node layer for the fedkit side).
//   deno run -A runner.mjs first <module> <envJson>
//     a fresh isolate's first request: CPU and time of the import, then of the first request
//   deno run -A --coverage=<dir> runner.mjs success <module> <envJson>
//     the import and two requests (the first exchanges, the second hits the cache), for success-path coverage
//   deno run -A runner.mjs warm <module> <baseline module> <envJson> <samples> <batch>
//     warm requests, batches of <module> interleaved with batches of <baseline module> (alternating which first)
// Optional, for attribution only: DENO_BENCH_PHASES=<file> makes each `first` run append one JSON line to <file>:
// the process CPU (ms since the import ended; the runner's own Request set-up counts, as the empty handler's line
// shows) at every WebCrypto call and fetch, entered (>) and settled (<). The wrappers touch crypto.subtle before
// the import, so the row's own figures shift slightly while it is on: use it to attribute, not to report.
const [mode, ...args] = Deno.args;

// Deno.cpuUsage(): the whole process (every thread), microseconds, from getrusage; no Node layer involved.
function cpuNs() {
  const { user, system } = Deno.cpuUsage();
  return (user + system) * 1000;
}

function installNetlify(envJson) {
  const env = JSON.parse(envJson);
  globalThis.Netlify = {
    env: {
      get: (name) => env[name],
      has: (name) => name in env,
      toObject: () => ({ ...env }),
    },
  };
  return env;
}

/** Wraps WebCrypto and fetch to record the CPU at their boundaries; `start` sets the origin, `marks` holds them. */
function tracePhases() {
  const marks = [];
  let origin = 0;
  const mark = (label) => marks.push([label, Math.round((cpuNs() - origin) / 1e4) / 100]);
  const wrap = (target, name, describe) => {
    const original = target[name];
    target[name] = function (...args) {
      const what = describe(args);
      mark(`> ${what}`);
      return original.apply(this, args).then((value) => {
        mark(`< ${what}`);
        return value;
      });
    };
  };
  for (const name of ["importKey", "sign", "digest"]) {
    wrap(crypto.subtle, name, (args) => {
      const algorithm = name === "importKey" ? args[2] : args[0];
      return `${name} ${typeof algorithm === "string" ? algorithm : algorithm?.name}`;
    });
  }
  wrap(globalThis, "fetch", ([input, init]) => {
    const request = input instanceof Request ? input : undefined;
    return `fetch ${init?.method ?? request?.method ?? "GET"} ${new URL(request?.url ?? input).pathname}`;
  });
  return {
    marks,
    start() {
      origin = cpuNs();
    },
  };
}

let requestNumber = 0;
async function serve(handler, env) {
  requestNumber += 1;
  const request = new Request(`${env.SITE_URL}/report?key=reports/latest.csv`);
  const context = {
    requestId: `bench-${requestNumber}`,
    deploy: { context: "production", id: "bench-deploy" },
    site: { id: env.FEDKIT_SITE_ID },
    waitUntil: () => {},
  };
  const response = await handler(request, context);
  const body = await response.text();
  if (response.status !== 200 || body !== env.OBJECT_BODY)
    throw new Error(`unexpected answer ${response.status}: ${body.slice(0, 300)}`);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (mode === "first") {
  const [moduleUrl, envJson] = args;
  const env = installNetlify(envJson);
  const phasesFile = Deno.env.get("DENO_BENCH_PHASES");
  const phases = phasesFile ? tracePhases() : undefined;
  const c0 = cpuNs();
  const t0 = performance.now();
  const handler = (await import(moduleUrl)).default;
  const c1 = cpuNs();
  const t1 = performance.now();
  phases?.start();
  await serve(handler, env);
  const c2 = cpuNs();
  const t2 = performance.now();
  const row = {
    importMs: t1 - t0,
    importCpuMs: (c1 - c0) / 1e6,
    requestMs: t2 - t1,
    requestCpuMs: (c2 - c1) / 1e6,
  };
  if (phases) {
    const line = { module: moduleUrl.replace(/.*\//, ""), ...row, marks: phases.marks };
    Deno.writeTextFileSync(phasesFile, `${JSON.stringify(line)}\n`, { append: true });
  }
  console.log(JSON.stringify(row));
} else if (mode === "success") {
  // The success path for coverage (deno run --coverage): the import, a fresh isolate's first request (the
  // exchange and a signed request) and a second one (a cache hit), so every function a working site runs has run.
  const [moduleUrl, envJson] = args;
  const env = installNetlify(envJson);
  const handler = (await import(moduleUrl)).default;
  await serve(handler, env);
  await serve(handler, env);
  console.log(JSON.stringify({ requests: 2 }));
} else if (mode === "warm") {
  const [moduleUrl, baselineUrl, envJson, samplesArg, batchArg] = args;
  const env = installNetlify(envJson);
  const subject = (await import(moduleUrl)).default;
  const baseline = (await import(baselineUrl)).default;
  const samples = Number(samplesArg);
  const batch = Number(batchArg);
  for (let i = 0; i < 50; i++) {
    await serve(subject, env);
    await serve(baseline, env);
  }
  const timeBatch = async (handler) => {
    const c0 = cpuNs();
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) await serve(handler, env);
    return { ms: (performance.now() - t0) / batch, cpuMs: (cpuNs() - c0) / 1e6 / batch };
  };
  const rows = [];
  for (let s = 0; s < samples; s++) {
    let a;
    let b;
    if (s % 2 === 0) {
      a = await timeBatch(subject);
      b = await timeBatch(baseline);
    } else {
      b = await timeBatch(baseline);
      a = await timeBatch(subject);
    }
    rows.push({ a, b });
  }
  console.log(
    JSON.stringify({
      subjectMs: median(rows.map((r) => r.a.ms)),
      baselineMs: median(rows.map((r) => r.b.ms)),
      overheadMs: median(rows.map((r) => r.a.ms - r.b.ms)),
      subjectCpuMs: median(rows.map((r) => r.a.cpuMs)),
      baselineCpuMs: median(rows.map((r) => r.b.cpuMs)),
      overheadCpuMs: median(rows.map((r) => r.a.cpuMs - r.b.cpuMs)),
      samples,
      batch,
    }),
  );
} else {
  throw new Error(`runner: unknown mode ${mode}`);
}
