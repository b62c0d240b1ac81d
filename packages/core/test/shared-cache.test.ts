import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import {
  type CacheEntry,
  type CacheObservation,
  type EncryptedCacheStorage,
  encryptedCache,
  generateCacheKeySet,
  importCacheKeySet,
  memoryCache,
  tieredCache,
} from "@fedkit/core/cache";
import { testSharedStore } from "@fedkit/core/testing";
import { describe, expect, it } from "vitest";
import type { TestAwsCredentials } from "./helpers.js";
import { fakeProvider, jwt } from "./helpers.js";

/** A Map as a store, with `SET NX PX` semantics for leases (what Redis does, in memory). */
function mapStore(clock: () => number = () => Date.now(), leaseTtlMs = 300) {
  const items = new Map<string, { value: string; until: number }>();
  let reads = 0;
  const live = (k: string) => {
    const item = items.get(k);
    if (item !== undefined && item.until <= clock()) items.delete(k);
    return items.get(k);
  };
  const storage: EncryptedCacheStorage = {
    name: "map",
    async getItem(k) {
      reads++;
      return live(k)?.value ?? null;
    },
    async setItem(k, v, ttl) {
      items.set(k, { value: v, until: clock() + ttl });
    },
    async removeItem(k) {
      items.delete(k);
    },
    coordination: {
      async lease(k) {
        if (live(k) !== undefined) return undefined;
        const token = crypto.randomUUID();
        items.set(k, { value: token, until: clock() + leaseTtlMs });
        return {
          async release() {
            if (live(k)?.value === token) items.delete(k);
          },
        };
      },
      waitMs: 3000,
      pollMs: 5,
    },
  };
  return { storage, items, reads: () => reads };
}

const failing: EncryptedCacheStorage = {
  name: "down",
  getItem: () => Promise.reject(new Error("ECONNREFUSED redis://:hunter2@cache.internal")),
  setItem: () => Promise.reject(new Error("ECONNREFUSED")),
  removeItem: () => Promise.reject(new Error("ECONNREFUSED")),
  coordination: { lease: () => Promise.reject(new Error("ECONNREFUSED")), waitMs: 1000, pollMs: 5 },
};

testSharedStore(
  "in-memory map (reference)",
  () => {
    const { storage, items } = mapStore();
    return {
      storage,
      leaseTtlMs: 300,
      unreachable: () => failing,
      async dump(prefix) {
        return Object.fromEntries(
          [...items].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k, v.value]),
        );
      },
    };
  },
  { describe, it, expect },
);

describe("importCacheKeySet", () => {
  it("imports a document of the running context, non-extractable", async () => {
    const keys = await importCacheKeySet(generateCacheKeySet("production", { kid: "c1" }), {
      context: "production",
    });
    expect(keys.context).toBe("production");
    expect(keys.kid).toBe("c1");
    expect(keys.key.extractable).toBe(false);
  });

  it("refuses a key set of another deploy context with a config error that names both, not the key", async () => {
    const text = generateCacheKeySet("deploy-preview");
    const material = (JSON.parse(text) as { key: string }).key;
    const error = await importCacheKeySet(text, { context: "production" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationError);
    expect((error as FederationError).code).toBe("config");
    expect((error as FederationError).message).toContain('"deploy-preview"');
    expect((error as FederationError).message).toContain('"production"');
    expect(JSON.stringify(error)).not.toContain(material);
    expect((error as FederationError).hint).not.toContain(material);
  });

  it.each([
    ["unset", undefined, "not set"],
    ["not JSON", "{", "not valid JSON"],
    ["no context", JSON.stringify({ v: 1, kid: "k", key: "AA" }), "context"],
    ["a short key", JSON.stringify({ v: 1, context: "production", kid: "k", key: "AAAA" }), "32 bytes"],
    ["a bad kid", JSON.stringify({ v: 1, context: "production", kid: "a b", key: "AA" }), "kid"],
    ["version 2", JSON.stringify({ v: 2, context: "production", kid: "k", key: "AA" }), "version"],
  ])("refuses %s with a config error", async (_, text, words) => {
    const error = (await importCacheKeySet(text, { context: "production" }).catch(
      (e: unknown) => e,
    )) as FederationError;
    expect(error.code).toBe("config");
    expect(error.message).toContain(words);
  });

  it("throws a TypeError for a missing running context (a programming error)", async () => {
    await expect(importCacheKeySet(generateCacheKeySet("production"), { context: "" })).rejects.toThrow(
      TypeError,
    );
  });
});

function entryAt(t: number, id: string, lifetime = 3_600_000): CacheEntry<TestAwsCredentials> {
  return {
    credentials: {
      kind: "aws",
      accessKeyId: `ASIA${id}`,
      secretAccessKey: `s-${id}`,
      sessionToken: `t-${id}`,
      expiresAt: t + lifetime,
    },
    obtainedAt: t,
    expiresAt: t + lifetime,
    refreshAt: t + lifetime * 0.75,
  };
}

describe("tieredCache", () => {
  async function setup(storage: EncryptedCacheStorage) {
    let t = 1_700_000_000_000;
    const now = () => t;
    const keys = await importCacheKeySet(generateCacheKeySet("production"), { context: "production" });
    const observed: CacheObservation[] = [];
    const audit = memoryAudit();
    const shared = encryptedCache(storage, keys, { now });
    const make = () => tieredCache({ shared, now, audit, observe: (o) => observed.push(o) });
    return { make, observed, audit, advance: (ms: number) => (t += ms), now };
  }

  it("answers from memory before the refresh time without touching the shared store", async () => {
    const store = mapStore();
    const { make, observed, now } = await setup(store.storage);
    const cache = make();
    await cache.set("k", entryAt(now(), "a"), 3_600_000);
    const before = store.reads();
    const got = cache.get("k");
    expect(got).not.toBeInstanceOf(Promise);
    expect(store.reads()).toBe(before);
    expect(observed.at(-1)).toEqual({ level: "memory", outcome: "hit", store: "encrypted:map" });
  });

  it("reads another isolate's entry from the shared store, and its newer refresh once this one is due", async () => {
    const store = mapStore(() => 1_700_000_000_000);
    const { make, observed, now, advance } = await setup(store.storage);
    const a = make();
    const b = make();
    await a.set("k", entryAt(now(), "first"), 3_600_000);
    expect((await b.get("k"))?.credentials).toMatchObject({ secretAccessKey: "s-first" });
    expect(observed.some((o) => o.level === "shared" && o.outcome === "hit")).toBe(true);
    advance(0.8 * 3_600_000);
    await a.set("k", entryAt(now(), "second"), 3_600_000);
    expect((await b.get("k"))?.credentials).toMatchObject({ secretAccessKey: "s-second" });
  });

  it("on an outage serves memory, skips the store for retryAfterMs, audits once without the error's message", async () => {
    const { make, audit, now, observed } = await setup(failing);
    const cache = make();
    await cache.set("k", entryAt(now(), "a"), 3_600_000);
    expect(await cache.get("missing")).toBeUndefined();
    expect(await cache.coordination?.lease("k")).toBeDefined();
    expect(audit.events.map((e) => e.type)).toEqual(["cache_unavailable"]);
    expect(JSON.stringify(audit.events)).not.toContain("hunter2");
    expect(observed.filter((o) => o.outcome === "error").length).toBe(1);
  });
});

describe("engine: cross-isolate single flight through CacheCoordination", () => {
  async function isolates(n: number, storage: EncryptedCacheStorage, clock: () => number) {
    const keys = await importCacheKeySet(generateCacheKeySet("production"), { context: "production" });
    const shared = encryptedCache(storage, keys, { now: clock });
    return Array.from({ length: n }, () =>
      createFederation({
        now: clock,
        audit: memoryAudit(),
        cache: tieredCache({ shared, now: clock, memory: memoryCache({ now: clock }), audit: memoryAudit() }),
        refresh: { jitterFraction: 0 },
      }),
    );
  }

  it("one exchange for 10 cold isolates, and one for their due refresh", async () => {
    let t = 1_700_000_000_000;
    const clock = () => t;
    const { storage } = mapStore(clock);
    const engines = await isolates(10, storage, clock);
    const provider = fakeProvider({ behave: () => new Promise((resolve) => setTimeout(resolve, 20)) });
    const source = staticToken(
      jwt({ iss: "https://idp.test", sub: "u", aud: "sts.amazonaws.com", exp: 1_700_100_000 }),
    );
    await Promise.all(engines.map((f) => f.getCredentials(provider, { source })));
    expect(provider.calls).toBe(1);
    t += 0.8 * 3_600_000;
    await Promise.all(engines.map((f) => f.getCredentials(provider, { source })));
    await Promise.all(engines.map((f) => f.flush()));
    expect(provider.calls).toBe(2);
  });

  it("a holder whose exchange fails releases the lease: a waiting isolate takes over at once, not after waitMs", async () => {
    const clock = () => 1_700_000_000_000;
    const { storage } = mapStore(clock);
    const [a, b] = await isolates(2, storage, clock);
    const denied = new FederationError("provider_unavailable", "STS is down", { provider: "aws" });
    const provider = fakeProvider({
      behave: (_s, n) =>
        new Promise((resolve, reject) => setTimeout(() => (n === 1 ? reject(denied) : resolve()), 50)),
    });
    const source = staticToken(
      jwt({ iss: "https://idp.test", sub: "u", aud: "sts.amazonaws.com", exp: 1_700_100_000 }),
    );
    const first = a!.getCredentials(provider, { source }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    const second = await b!.getCredentials(provider, { source });
    expect(performance.now() - started).toBeLessThan(1500); // waitMs is 3000
    expect(second.secretAccessKey).toBe("secret-2-u");
    expect(await first).toBeInstanceOf(FederationError);
    expect(provider.calls).toBe(2);
  });

  it("a lease that throws means an uncoordinated exchange, not a failed request", async () => {
    const clock = () => 1_700_000_000_000;
    const [engine] = await isolates(1, failing, clock);
    const provider = fakeProvider();
    const source = staticToken(
      jwt({ iss: "https://idp.test", sub: "u", aud: "sts.amazonaws.com", exp: 1_700_100_000 }),
    );
    const credentials = await engine!.getCredentials(provider, { source });
    expect(credentials.kind).toBe("aws");
    expect(provider.calls).toBe(1);
  });
});
