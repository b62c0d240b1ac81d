import {
  fromIoredis,
  fromNodeRedis,
  fromUpstash,
  type RedisCommands,
  redisStorage,
} from "@fedkit/cache/redis";
import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import {
  type EncryptedCacheStorage,
  encryptedCache,
  generateCacheKeySet,
  importCacheKeySet,
  tieredCache,
} from "@fedkit/core/cache";
import { decodeSubjectToken, deriveCacheKey } from "@fedkit/core/provider";
import { testSharedStore } from "@fedkit/core/testing";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingProvider, subjectJwt } from "./support/engines.js";
import { freePort, type RedisServer, redisAvailable, startRedisServer } from "./support/redis-server.js";

const api = { describe, it, expect };
const available = redisAvailable();
const suite = available ? describe : describe.skip;

let server: RedisServer;
const clients: { quit(): Promise<unknown> }[] = [];
beforeAll(async () => {
  if (available) server = await startRedisServer();
});
afterAll(async () => {
  for (const client of clients) await client.quit().catch(() => undefined);
  await server?.stop();
});

function ioredis(port = server.port): Redis {
  const client = new Redis({ port, host: "127.0.0.1", lazyConnect: false, maxRetriesPerRequest: 1 });
  clients.push(client);
  return client;
}

/** An ioredis client towards a port nothing listens on: commands fail at once. */
async function unreachableIoredis(): Promise<EncryptedCacheStorage> {
  const client = new Redis({
    port: await freePort(),
    host: "127.0.0.1",
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  return redisStorage(fromIoredis(client), { leaseTtlMs: 300 });
}

async function dump(client: Redis, prefix: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of await client.keys(`${prefix}*`)) {
    const value = await client.get(key);
    if (value !== null) out[key] = value;
  }
  return out;
}

suite("redis driver", () => {
  /** The driver over `commands`; raw reads go through a separate ioredis connection. */
  const fixture = (commands: RedisCommands) => {
    const raw = ioredis();
    return {
      storage: redisStorage(commands, { leaseTtlMs: 300 }),
      dump: (prefix: string) => dump(raw, prefix),
      unreachable: unreachableIoredis,
      leaseTtlMs: 300,
    };
  };
  testSharedStore("redis (ioredis)", () => fixture(fromIoredis(ioredis())), api);
  testSharedStore(
    "redis (node-redis)",
    async () => {
      const client = await createClient({ url: server.url }).connect();
      clients.push(client);
      return fixture(fromNodeRedis(client));
    },
    api,
  );

  testSharedStore(
    "redis (Upstash-shaped client)",
    () => {
      // The method shapes of @upstash/redis (set with { px, nx }, eval(script, keys, args)) over a real server:
      // proves the adapter's translation; the REST transport itself is Upstash's.
      const io = ioredis();
      const upstash = {
        get: (key: string) => io.get(key),
        set: (key: string, value: string, o: { px: number; nx?: true }) =>
          o.nx ? io.set(key, value, "PX", o.px, "NX") : io.set(key, value, "PX", o.px),
        del: (...keys: string[]) => io.del(...keys),
        eval: (script: string, keys: string[], args: string[]) =>
          io.eval(script, keys.length, ...keys, ...args),
      };
      return fixture(fromUpstash(upstash));
    },
    api,
  );

  it("sets a TTL on every record: Redis drops it when the credentials expire", async () => {
    const client = ioredis();
    const storage = redisStorage(fromIoredis(client));
    await storage.setItem("fedkit-ttl-probe", "v", 60_000);
    const ttl = await client.pttl("fedkit-ttl-probe");
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  describe("through the engine: 20 isolates sharing one Redis", () => {
    async function isolates(n: number, storageOptions = {}) {
      const keys = await importCacheKeySet(generateCacheKeySet("production"), { context: "production" });
      const prefix = `fedkit-engine-${crypto.randomUUID()}:`;
      const token = subjectJwt(`user-${prefix}`);
      return Array.from({ length: n }, () => {
        const storage = redisStorage(fromIoredis(ioredis()), {
          waitMs: 10_000,
          pollMs: 10,
          ...storageOptions,
        });
        const audit = memoryAudit();
        const cache = tieredCache({ shared: encryptedCache(storage, keys, { prefix }), audit });
        const federation = createFederation({ source: staticToken(token), cache, audit });
        return { federation, audit, storage, prefix, token };
      });
    }

    it("exchanges once for a cold key: the leaseholder exchanges, the others read its entry", async () => {
      const engines = await isolates(20);
      const provider = countingProvider(50);
      const got = await Promise.all(engines.map((e) => e.federation.getCredentials(provider)));
      expect(provider.exchanges).toBe(1);
      expect(new Set(got.map((c) => c.secretAccessKey)).size).toBe(1);
    });

    it("without the lease (no coordination) every isolate exchanges", async () => {
      const keys = await importCacheKeySet(generateCacheKeySet("production"), { context: "production" });
      const token = subjectJwt(`user-${crypto.randomUUID()}`);
      const provider = countingProvider(50);
      const engines = Array.from({ length: 5 }, () => {
        const { coordination: _none, ...plain } = redisStorage(fromIoredis(ioredis()));
        const cache = tieredCache({ shared: encryptedCache(plain, keys), audit: memoryAudit() });
        return createFederation({ source: staticToken(token), cache, audit: memoryAudit() });
      });
      await Promise.all(engines.map((f) => f.getCredentials(provider)));
      expect(provider.exchanges).toBe(5);
    });

    it("a crashed leaseholder delays a follower by at most waitMs, then its lease expires by itself", async () => {
      const [engine] = await isolates(1, { waitMs: 300, leaseTtlMs: 2000 });
      const provider = countingProvider(5);
      const cacheKey = await deriveCacheKey(provider, decodeSubjectToken(engine!.token));
      const leaseKey = `${engine!.prefix}production/lease/${cacheKey}`;
      // Another isolate took the lease for this key and died without releasing it.
      expect(await engine!.storage.coordination!.lease(leaseKey)).toBeDefined();
      const started = performance.now();
      const credentials = await engine!.federation.getCredentials(provider);
      const waited = performance.now() - started;
      expect(credentials.secretAccessKey).toBe("engine-secret-1");
      expect(provider.exchanges).toBe(1);
      expect(waited).toBeGreaterThan(280);
      expect(waited).toBeLessThan(1500); // far below the lease TTL: it did not wait for the lease to expire
      expect(await engine!.storage.coordination!.lease(leaseKey)).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 2050 - waited));
      expect(await engine!.storage.coordination!.lease(leaseKey)).toBeDefined();
    });

    it("a Redis outage degrades to memory only: requests succeed, one cache_unavailable event", async () => {
      const keys = await importCacheKeySet(generateCacheKeySet("production"), { context: "production" });
      const audit = memoryAudit();
      const cache = tieredCache({ shared: encryptedCache(await unreachableIoredis(), keys), audit });
      const federation = createFederation({ source: staticToken(subjectJwt("outage")), cache, audit });
      const provider = countingProvider(5);
      const first = await federation.getCredentials(provider);
      const second = await federation.getCredentials(provider);
      expect(second).toEqual(first);
      expect(provider.exchanges).toBe(1);
      const outages = audit.events.filter((e) => e.type === "cache_unavailable");
      expect(outages.length).toBe(1);
      expect(outages[0]?.labels?.["store"]).toBe("encrypted:redis");
      expect(JSON.stringify(audit.events)).not.toContain("engine-secret");
    });
  });
});
