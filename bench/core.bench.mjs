// @fedkit/core benchmarks: the cache-hit path (the awaited call that returns held credentials) side by side with
// the AWS SDK v3 memoized provider, and the single-flight path (N concurrent callers on a cold key).
// Run through `npm run bench` (built packages); writes bench/results/core.json.
import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { memoize } from "@smithy/property-provider";
import { compare, measure, ns, result, sizeOf, writeSuite } from "./lib/harness.mjs";
import { memoizedSdkProvider } from "./lib/memoize-peer.mjs";

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const nowS = Math.floor(Date.now() / 1000);
const jwt = `${b64({ alg: "RS256", typ: "JWT" })}.${b64({
  iss: "https://idp.bench.fedkit.dev",
  sub: "repo:fedkit/bench:ref:refs/heads/main",
  aud: "sts.amazonaws.com",
  iat: nowS,
  exp: nowS + 24 * 3600,
})}.c2lnbmF0dXJl`;

let exchanges = 0;
function benchProvider(key = "role=arn:aws:iam::123456789012:role/bench", delay = () => Promise.resolve()) {
  return {
    cloud: "aws",
    key,
    audience: "sts.amazonaws.com",
    target: { role: "arn:aws:iam::123456789012:role/bench" },
    async exchange() {
      exchanges++;
      await delay();
      return {
        credentials: {
          kind: "aws",
          accessKeyId: "ASIABENCH0000000000",
          secretAccessKey: "bench-secret",
          sessionToken: "bench-session",
          expiresAt: Date.now() + 3_600_000,
        },
      };
    },
  };
}

// --- cache-hit path -------------------------------------------------------------------------------------
const federation = createFederation({ source: staticToken(jwt), audit: memoryAudit() });
const provider = benchProvider();
await federation.getCredentials(provider);

// The AWS SDK v3 shape: memoize(provider, isExpired, requiresRefresh) with the SDK's 5-minute expiry window.
const sdkProvider = await memoizedSdkProvider();

const opts = { iterations: 150, warmup: 20_000 };
// Side by side: each sample times a batch of fedkit and, right after, a batch of the SDK's memoize (alternating
// which goes first), so both see the same load; the comparison is the median of the per-sample ratios.
const side = await compare(
  ["fedkit hit", () => federation.getCredentials(provider)],
  ["sdk memoize hit", () => sdkProvider()],
  { iterations: 2000, warmup: 50_000 },
);
const hit = side.a;
const sdk = side.b;
// The adapter style (a source per call) is measured after the side-by-side run, so it cannot disturb it.
const perCallSource = { source: staticToken(jwt) };
const federation2 = createFederation({ audit: memoryAudit() });
await federation2.getCredentials(provider, perCallSource);
const hitPerCall = await measure(
  "fedkit hit per-call source",
  () => federation2.getCredentials(provider, perCallSource),
  opts,
);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// --- single flight --------------------------------------------------------------------------------------
const N = 1000;
async function coldRound(i, callers = N) {
  const f = createFederation({ source: staticToken(jwt), audit: memoryAudit() });
  const p = benchProvider(`role=cold-${i}`, () => new Promise((r) => setImmediate(r)));
  const before = exchanges;
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: callers }, () => f.getCredentials(p)));
  return { ns: Number(process.hrtime.bigint() - start), exchanges: exchanges - before };
}
async function sdkColdRound() {
  let calls = 0;
  const m = memoize(
    async () => {
      calls++;
      await new Promise((r) => setImmediate(r));
      return { accessKeyId: "A", secretAccessKey: "s", expiration: new Date(Date.now() + 3_600_000) };
    },
    (c) => c.expiration.getTime() - Date.now() < 300_000,
    () => true,
  );
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: N }, () => m()));
  return { ns: Number(process.hrtime.bigint() - start), exchanges: calls };
}
for (let i = 0; i < 5; i++) await coldRound(`warm-${i}`);
const cold = [];
const sdkCold = [];
const single = [];
for (let i = 0; i < 30; i++) {
  cold.push(await coldRound(i));
  sdkCold.push(await sdkColdRound());
  single.push(await coldRound(`single-${i}`, 1));
}
const singleMedianMs = median(single.map((r) => r.ns)) / 1e6;
const coldMedianMs = median(cold.map((r) => r.ns)) / 1e6;
const sdkColdMedianMs = median(sdkCold.map((r) => r.ns)) / 1e6;
const maxExchanges = Math.max(...cold.map((r) => r.exchanges));

// --- bundle size of the engine alone ---------------------------------------------------------------------
const size = await sizeOf(new URL("./entries/core-engine.mjs", import.meta.url).pathname, {
  platform: "browser",
});

const stats = (m) => ({
  p95Ns: ns(m.p95Ns),
  meanNs: ns(m.meanNs),
  minNs: ns(m.minNs),
  batch: m.batch,
  calls: m.calls,
});
const results = [
  result({
    id: "core.hit.fedkit",
    label:
      "cache hit: await federation.getCredentials(p), staticToken source (not the withFedkit path: see the goals table), median",
    subject: "fedkit",
    metric: "median",
    value: ns(hit.medianNs),
    unit: "ns",
    comparedTo: "core.hit.aws-sdk-memoize",
    detail: stats(hit),
  }),
  result({
    id: "core.hit.fedkit-vs-sdk",
    label: "cache hit, staticToken source: fedkit / AWS SDK memoize, median of side-by-side samples",
    subject: "fedkit",
    metric: "ratio",
    value: Math.round(side.ratioMedian * 100) / 100,
    unit: "x",
    detail: { ratioP95: Math.round(side.ratioP95 * 100) / 100, samples: hit.samples, batch: hit.batch },
    comparedTo: "core.hit.aws-sdk-memoize",
  }),
  result({
    id: "core.hit.aws-sdk-memoize",
    label: "cache hit: await memoize(provider)() (@smithy/property-provider), median",
    subject: "aws-sdk-v3",
    metric: "median",
    value: ns(sdk.medianNs),
    unit: "ns",
    detail: stats(sdk),
  }),
  result({
    id: "core.hit.fedkit-per-call-source",
    label: "cache hit with a per-call { source } option, median",
    subject: "fedkit",
    metric: "median",
    value: ns(hitPerCall.medianNs),
    unit: "ns",
    detail: stats(hitPerCall),
  }),
  result({
    id: "core.singleflight.exchanges",
    label: `single flight: exchanges for ${N} concurrent cold callers (max of ${cold.length} rounds)`,
    subject: "fedkit",
    metric: "count",
    value: maxExchanges,
    unit: "exchanges",
    target: { op: "<=", value: 1, unit: "exchanges", text: "exactly 1" },
  }),
  result({
    id: "core.singleflight.fedkit",
    label: `single flight: ${N} concurrent cold callers, all served, median`,
    subject: "fedkit",
    metric: "median",
    value: Math.round(coldMedianMs * 1000) / 1000,
    unit: "ms",
    comparedTo: "core.singleflight.aws-sdk-memoize",
    detail: { perCallerNs: ns((coldMedianMs * 1e6) / N), rounds: cold.length },
  }),
  result({
    id: "core.cold.fedkit-one-caller",
    label: "cold key, one caller: derive key (SHA-256), exchange, cache, audit event, median",
    subject: "fedkit",
    metric: "median",
    value: Math.round(singleMedianMs * 1000) / 1000,
    unit: "ms",
    detail: {
      note: "the exchange itself resolves after one setImmediate; the rest is the engine's fixed cost",
    },
  }),
  result({
    id: "core.singleflight.aws-sdk-memoize",
    label: `single flight: ${N} concurrent cold callers of memoize(provider), median`,
    subject: "aws-sdk-v3",
    metric: "median",
    value: Math.round(sdkColdMedianMs * 1000) / 1000,
    unit: "ms",
    detail: {
      perCallerNs: ns((sdkColdMedianMs * 1e6) / N),
      exchanges: Math.max(...sdkCold.map((r) => r.exchanges)),
    },
  }),
];
if (size.gzipBytes !== undefined) {
  results.push(
    result({
      id: "core.size.engine",
      label: "bundle: createFederation + staticToken + memoryCache (minified, gzip)",
      subject: "fedkit",
      metric: "gzip",
      value: size.gzipBytes,
      unit: "bytes",
      detail: { minifiedBytes: size.bytes, platform: size.platform },
    }),
  );
} else {
  console.error(`core-engine bundle failed: ${size.errors.join("; ")}`);
}

writeSuite(
  "core",
  "The engine's cache-hit path side by side with the AWS SDK v3 memoized provider, the single-flight path, and the engine's bundle size.",
  results,
);
