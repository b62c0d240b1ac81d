import { createFederation, FederationError, type Scheduler, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { encryptedCache, importCacheKey, memoryCache } from "@fedkit/core/cache";
import { describe, expect, it } from "vitest";
import { deferred, fakeProvider, jwt } from "./helpers.js";

const claims = { iss: "https://idp.example", sub: "victim", aud: "sts.amazonaws.com", exp: 1_700_003_600 };

function clocked(extra: Parameters<typeof createFederation>[0] = {}) {
  let time = 1_700_000_000_000;
  const audit = memoryAudit();
  return {
    audit,
    advance: (ms: number) => (time += ms),
    federation: createFederation({ audit, now: () => time, ...extra }),
  };
}

describe("engine: isolation under availability errors", () => {
  it("an outage caused through a forged unverified token does not push verified subjects into a backoff", async () => {
    const { federation } = clocked();
    const outage = new FederationError("provider_unavailable", "STS 503", { provider: "aws", status: 503 });
    const provider = fakeProvider({
      behave: (s) => (s.trust === "unverified" ? Promise.reject(outage) : undefined),
    });
    const forged = jwt(claims, "unverified", "Zm9yZ2Vk");
    await federation.getCredentials(provider, { source: staticToken(forged) }).catch(() => undefined);
    const creds = await federation.getCredentials(provider, { source: staticToken(jwt(claims, "verified")) });
    expect(creds.kind).toBe("aws");
    expect(provider.calls).toBe(2);
  });
});

describe("engine: asynchronous (persistent) caches", () => {
  it("shares one exchange among 200 cold callers through an encrypted cache, then answers from it", async () => {
    const items = new Map<string, string>();
    const storage = {
      getItem: async (k: string) => items.get(k) ?? null,
      setItem: async (k: string, v: string) => void items.set(k, v),
      removeItem: async (k: string) => void items.delete(k),
    };
    // The cache checks expiry on read: it reads the same (test) clock as the federation.
    const cache = encryptedCache(storage, await importCacheKey(crypto.getRandomValues(new Uint8Array(32))), {
      now: () => 1_700_000_000_000,
    });
    const { federation } = clocked({ cache });
    const gate = deferred();
    const provider = fakeProvider({ behave: () => gate.promise });
    // The issue time pinned: an unverified token is keyed by its raw text, and a second boundary crossed between
    // the two tokens below (each took the wall clock's second as iat) made them two subjects.
    const subject = { iat: 1_700_000_000, ...claims };
    const source = staticToken(jwt(subject));
    const calls = Array.from({ length: 200 }, () => federation.getCredentials(provider, { source }));
    await new Promise((r) => setTimeout(r, 20));
    gate.resolve();
    const results = await Promise.all(calls);
    expect(provider.calls).toBe(1);
    expect(new Set(results.map((c) => c.secretAccessKey)).size).toBe(1);
    expect(items.size).toBe(1);
    // A second federation (another isolate) over the same storage reads the sealed entry instead of exchanging.
    const other = createFederation({ cache, audit: memoryAudit(), now: () => 1_700_000_000_000 });
    const again = await other.getCredentials(provider, { source: staticToken(jwt(subject)) });
    expect(again.secretAccessKey).toBe(results[0]?.secretAccessKey);
    expect(provider.calls).toBe(1);
  });
});

describe("engine: scheduler per call", () => {
  it("hands the background refresh to the per-call scheduler (waitUntil) instead of the federation's", async () => {
    const fromFederation: Promise<unknown>[] = [];
    const fromCall: Promise<unknown>[] = [];
    const { federation, advance } = clocked({
      scheduler: (w) => fromFederation.push(w),
      refresh: { jitterFraction: 0 },
    });
    const provider = fakeProvider();
    const source = staticToken(jwt({ ...claims, exp: 1_700_100_000 }));
    await federation.getCredentials(provider, { source });
    advance(0.8 * 3_600_000);
    const waitUntil: Scheduler = (w) => fromCall.push(w);
    await federation.getCredentials(provider, { source, scheduler: waitUntil });
    expect(fromCall).toHaveLength(1);
    expect(fromFederation).toHaveLength(0);
    await Promise.all(fromCall);
    expect(provider.calls).toBe(2);
  });
});

describe("memoryCache bounds", () => {
  it("evicts the least recently used entry beyond max", async () => {
    const cache = memoryCache({ max: 2 });
    const entry = (id: string) => ({
      credentials: {
        kind: "aws" as const,
        accessKeyId: id,
        secretAccessKey: id,
        sessionToken: id,
        expiresAt: 2e12,
      },
      obtainedAt: 1e12,
      expiresAt: 2e12,
      refreshAt: 1.5e12,
    });
    cache.set("a", entry("a"), 1e9);
    cache.set("b", entry("b"), 1e9);
    cache.get("a");
    cache.set("c", entry("c"), 1e9);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
    expect(cache.get("c")).toBeDefined();
    expect(cache.size).toBe(2);
    expect(() => memoryCache({ max: 0 })).toThrow(TypeError);
  });
});

describe("engine: bad arguments", () => {
  it("rejects something that is not a provider with a TypeError saying what to pass", async () => {
    const { federation } = clocked({ source: staticToken(jwt(claims)) });
    const error = await federation.getCredentials({} as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toContain("Provider");
  });

  it("refuses unknown or negative policy options at creation", () => {
    expect(() => createFederation({ retry: { deadlineMs: -1 } })).toThrow("retry.deadlineMs");
    // A numeric string is no number, even one in range.
    expect(() => createFederation({ retry: { deadlineMs: "5000" as never } })).toThrow(
      "retry.deadlineMs must be a finite number >= 0, got 5000",
    );
    expect(() => createFederation({ refresh: { refreshFraction: 2 } })).toThrow(
      "refresh.refreshFraction must be a finite number between 0 and 1, got 2",
    );
    expect(() => createFederation({ refresh: { jitterFraction: 1.5 } })).toThrow("refresh.jitterFraction");
    expect(() => createFederation({ retry: { maxAttempts: 0 } })).toThrow(
      "retry.maxAttempts must be a finite number >= 1",
    );
    expect(() => createFederation({ refresh: { safetyMargin: 5 } as never })).toThrow("not a refresh option");
  });
});

describe("engine: randomness per exchange", () => {
  it("one draw of the random source per exchange names it (correlation id) and jitters its refresh time", async () => {
    const run = async (byte: number) => {
      let draws = 0;
      const stored: { refreshAt: number }[] = [];
      const cache = memoryCache();
      const { federation, audit } = clocked({
        random: (bytes) => {
          draws++;
          return bytes.fill(byte);
        },
        refresh: { jitterFraction: 0.1 },
        cache: {
          ...cache,
          set: (key, entry, ttl) => {
            stored.push(entry);
            return cache.set(key, entry, ttl);
          },
        },
      });
      await federation.getCredentials(fakeProvider(), { source: staticToken(jwt(claims)) });
      return { draws, refreshAt: stored[0]?.refreshAt, id: audit.events[0]?.correlationId };
    };
    const low = await run(0);
    const high = await run(255);
    expect([low.draws, high.draws]).toEqual([1, 1]);
    expect(low.id).toBe("0000000000000000");
    expect(high.id).toBe("ffffffffffffffff");
    // The most jitter (bytes 255) plans the refresh earlier than none (bytes 0): ~10% of the hour.
    expect(low.refreshAt! - high.refreshAt!).toBeGreaterThan(300_000);
  });
});

describe("engine: storing the exchange's entry", () => {
  it("waits for an asynchronous cache to store before answering, and answers when a set throws or rejects", async () => {
    const stored = deferred();
    const base = memoryCache();
    let settled = false;
    const slow = clocked({
      cache: { ...base, set: (k, e, t) => stored.promise.then(() => base.set(k, e, t)) },
    });
    const call = slow.federation
      .getCredentials(fakeProvider(), { source: staticToken(jwt(claims)) })
      .then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    stored.resolve();
    await call;
    expect(settled).toBe(true);

    for (const set of [
      () => {
        throw new Error("store down");
      },
      () => Promise.reject(new Error("store down")),
    ]) {
      const { federation } = clocked({ cache: { ...memoryCache(), set } });
      const creds = await federation.getCredentials(fakeProvider(), { source: staticToken(jwt(claims)) });
      expect(creds.kind).toBe("aws");
    }
  });
});

describe("engine: reading a cache on the slow path", () => {
  it("serves an entry another federation stored in a shared synchronous cache, and treats a failing read as a miss", async () => {
    const shared = memoryCache();
    const first = fakeProvider();
    await clocked({ cache: shared }).federation.getCredentials(first, { source: staticToken(jwt(claims)) });
    const second = fakeProvider();
    await clocked({ cache: shared }).federation.getCredentials(second, { source: staticToken(jwt(claims)) });
    expect([first.calls, second.calls]).toEqual([1, 0]);

    for (const get of [
      () => {
        throw new Error("store down");
      },
      () => Promise.reject(new Error("store down")),
    ]) {
      const provider = fakeProvider();
      const { federation } = clocked({ cache: { ...memoryCache(), get } });
      expect((await federation.getCredentials(provider, { source: staticToken(jwt(claims)) })).kind).toBe(
        "aws",
      );
      expect(provider.calls).toBe(1);
    }
  });
});
