// The scale scenario shared by bench/scale.bench.mjs (Node 20: memory only, Redis, unstorage, Redis down) and
// bench/lib/scale-blobs.mjs (Node 22: Netlify Blobs): N simulated isolates (separate engines from
// createFederation, each with its own memory) sharing one store, hitting S subjects, against a loopback STS that
// counts every exchange it answers.
import { createServer } from "node:http";
import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { encryptedCache, generateCacheKeySet, importCacheKeySet, tieredCache } from "@fedkit/core/cache";

export const ISOLATES = 50;
export const SUBJECTS = 1000;
/** Requests each isolate keeps in flight. */
export const CONCURRENCY = 10;
/** What one STS round trip costs here (a real one takes 50-200 ms; kept small so the run stays short). */
export const STS_DELAY_MS = 15;
const RETRY = { attemptTimeoutMs: 30_000, deadlineMs: 60_000 };

/** A loopback STS: answers each POST after STS_DELAY_MS with hour-long credentials, and counts them. */
export async function loopbackSts() {
  let exchanges = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      exchanges++;
      const n = exchanges;
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            accessKeyId: `ASIABENCH${String(n).padStart(11, "0")}`,
            secretAccessKey: `bench-secret-${n}`,
            sessionToken: `bench-session-${n}`,
            expiresAt: Date.now() + 3_600_000,
          }),
        );
      }, STS_DELAY_MS);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    exchanges: () => exchanges,
    reset: () => {
      exchanges = 0;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

/** A provider whose exchange is one POST to the loopback STS through the engine's safe HTTP client. */
export function stsProvider(origin) {
  return {
    cloud: "aws",
    key: "role=arn:aws:iam::123456789012:role/scale-bench",
    audience: "sts.amazonaws.com",
    target: { role: "arn:aws:iam::123456789012:role/scale-bench" },
    async exchange(_subject, ctx) {
      const response = await ctx.send({
        url: `${origin}/sts`,
        method: "POST",
        body: "Action=AssumeRoleWithWebIdentity",
        endpoint: { cloud: "aws", officialHosts: [], allowedOrigins: [origin] },
        operation: "sts:AssumeRoleWithWebIdentity",
      });
      const body = JSON.parse(response.text);
      return { credentials: { kind: "aws", ...body } };
    },
  };
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** One unsigned JWT per subject (unverified: the cache key is the token's hash, the same in every isolate). */
export function subjectTokens(count = SUBJECTS) {
  const iat = Math.floor(Date.now() / 1000);
  return Array.from(
    { length: count },
    (_, i) =>
      `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ iss: "https://idp.bench.fedkit.dev", sub: `user-${i}`, aud: "sts.amazonaws.com", iat, exp: iat + 86_400 })}.c2ln`,
  );
}

/** A deterministic shuffle (each isolate walks the subjects in its own order). */
function shuffled(count, seed) {
  const order = Array.from({ length: count }, (_, i) => i);
  let state = seed * 2654435761;
  for (let i = count - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export async function cacheKeys() {
  return importCacheKeySet(generateCacheKeySet("production"), { context: "production" });
}

/**
 * Runs the scenario: `storageFor(i)` gives isolate i its view of the shared store (its own client), or
 * undefined for memory only. Returns exchanges per subject, failed calls, outage events and wall time.
 */
export async function runScenario({ sts, tokens, storageFor, keys, prefix }) {
  sts.reset();
  const provider = stsProvider(sts.origin);
  const audits = [];
  const isolates = Array.from({ length: ISOLATES }, (_, i) => {
    const audit = memoryAudit();
    audits.push(audit);
    const storage = storageFor?.(i);
    const cache =
      storage === undefined
        ? undefined
        : tieredCache({ shared: encryptedCache(storage, keys, { prefix }), audit });
    // The loopback STS shares two busy cores with 50 isolates: generous timeouts keep its queueing from being
    // counted as failures (a real STS has its own capacity; its quota is what the shared cache protects).
    return createFederation({ audit, retry: RETRY, ...(cache ? { cache } : {}) });
  });
  let failed = 0;
  const failures = {};
  const started = performance.now();
  await Promise.all(
    isolates.map(async (federation, i) => {
      const order = shuffled(tokens.length, i + 1);
      let next = 0;
      const worker = async () => {
        while (next < order.length) {
          const token = tokens[order[next++]];
          try {
            await federation.getCredentials(provider, { source: staticToken(token) });
          } catch (error) {
            failed++;
            failures[error?.code ?? "unknown"] = (failures[error?.code ?? "unknown"] ?? 0) + 1;
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(isolates.map((f) => f.flush()));
  const outages = audits.reduce(
    (n, a) => n + a.events.filter((e) => e.type === "cache_unavailable").length,
    0,
  );
  return {
    exchangesPerSubject: sts.exchanges() / tokens.length,
    exchanges: sts.exchanges(),
    calls: ISOLATES * tokens.length,
    failed,
    failures,
    outages,
    seconds: Math.round(seconds * 10) / 10,
  };
}

/**
 * Added latency of a shared hit: a fresh isolate (empty memory) asks for subjects another isolate stored;
 * each call reads, decrypts and returns from the shared store. Median over `tokens`, in ms.
 */
export async function sharedHitLatency({ sts, tokens, storage, keys, prefix }) {
  const provider = stsProvider(sts.origin);
  const shared = () =>
    tieredCache({ shared: encryptedCache(storage, keys, { prefix }), audit: memoryAudit() });
  const writer = createFederation({ audit: memoryAudit(), cache: shared() });
  for (const token of tokens) await writer.getCredentials(provider, { source: staticToken(token) });
  const reader = createFederation({ audit: memoryAudit(), cache: shared() });
  const sharedTimes = [];
  const memoryTimes = [];
  for (const token of tokens) {
    const source = staticToken(token);
    let t = performance.now();
    await reader.getCredentials(provider, { source });
    sharedTimes.push(performance.now() - t);
    t = performance.now();
    await reader.getCredentials(provider, { source });
    memoryTimes.push(performance.now() - t);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { sharedMs: median(sharedTimes), memoryMs: median(memoryTimes) };
}
