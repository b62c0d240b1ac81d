import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { memoryCache } from "@fedkit/core/cache";
import { describe, expect, it } from "vitest";
import { fakeProvider, jwt } from "./helpers.js";

const AUD = "sts.amazonaws.com";
const claims = { iss: "https://idp.example", aud: AUD, exp: 1_700_003_600 };

function setup(limits: { cacheMaxEntries?: number; evictionAuditIntervalMs?: number }) {
  const audit = memoryAudit();
  let time = 1_700_000_000_000;
  const federation = createFederation({ audit, now: () => time, limits, labels: { site: "s1" } });
  return { federation, audit, advance: (ms: number) => (time += ms) };
}

const subject = (n: number) => ({ source: staticToken(jwt({ ...claims, sub: `user-${n}` }, "verified")) });

describe("limits: the default cache's size and the audit of evictions under pressure", () => {
  it("holds cacheMaxEntries subjects: within the bound every repeat is a hit", async () => {
    const { federation } = setup({ cacheMaxEntries: 50 });
    const provider = fakeProvider();
    for (let round = 0; round < 3; round++)
      for (let n = 0; n < 50; n++) await federation.getCredentials(provider, subject(n));
    expect(provider.calls).toBe(50);
  });

  it("past the bound the least recently used subject exchanges again", async () => {
    const { federation } = setup({ cacheMaxEntries: 2 });
    const provider = fakeProvider();
    for (const n of [0, 1, 2]) await federation.getCredentials(provider, subject(n));
    await federation.getCredentials(provider, subject(2));
    expect(provider.calls).toBe(3);
    await federation.getCredentials(provider, subject(0));
    expect(provider.calls).toBe(4);
  });

  it("audits evictions of valid entries, at most one event per interval, counting the rest", async () => {
    const { federation, audit, advance } = setup({ cacheMaxEntries: 2, evictionAuditIntervalMs: 1000 });
    const provider = fakeProvider();
    for (let n = 0; n < 12; n++) await federation.getCredentials(provider, subject(n));
    const evictions = () => audit.events.filter((e) => e.type === "cache_eviction");
    // 10 evictions, one event: the first, written at once.
    expect(evictions()).toHaveLength(1);
    expect(evictions()[0]?.labels).toMatchObject({
      table: "credential-cache",
      max: "2",
      evicted: "1",
      site: "s1",
    });
    advance(1001);
    await federation.getCredentials(provider, subject(12));
    expect(evictions()).toHaveLength(2);
    // The 9 evictions counted in between plus this one.
    expect(evictions()[1]?.labels?.evicted).toBe("10");
    // Nothing about any subject, let alone a token, is in an eviction event.
    const text = JSON.stringify(evictions());
    expect(text).not.toContain("user-");
    expect(evictions()[0]?.subject).toEqual({});
  });

  it("does not report expired entries swept on the way as evictions", () => {
    let time = 0;
    let evicted = 0;
    const cache = memoryCache({ max: 2, now: () => time, onEvict: () => evicted++ });
    const entry = { credentials: { kind: "aws" }, expiresAt: 100, refreshAt: 50 } as never;
    cache.set("a", entry, 10);
    cache.set("b", entry, 10);
    time = 20;
    cache.set("c", entry, 10);
    cache.set("d", entry, 10);
    expect(evicted).toBe(0);
    cache.set("e", entry, 10);
    expect(evicted).toBe(1);
    expect(cache.size).toBe(2);
  });

  it("keeps LRU order through gets, re-sets and deletes: the oldest untouched entry is the one evicted", () => {
    const evicted: number[] = [];
    let evictions = 0;
    const cache = memoryCache({ max: 3, onEvict: () => evictions++ });
    const entry = { credentials: { kind: "aws" }, expiresAt: 2e12, refreshAt: 1.5e12 } as never;
    const live = () => ["a", "b", "c", "d", "e"].filter((k) => cache.get(k) !== undefined);
    for (const k of ["a", "b", "c"]) cache.set(k, entry, 1e9);
    cache.get("a"); // order: b c a
    cache.set("b", entry, 1e9); // re-set: c a b
    cache.delete("a"); // c b
    cache.set("d", entry, 1e9); // c b d
    cache.set("e", entry, 1e9); // b d e, c evicted
    evicted.push(evictions);
    expect(evicted).toEqual([1]);
    expect(cache.size).toBe(3);
    expect(["b", "d", "e"].every((k) => cache.get(k) !== undefined)).toBe(true);
    expect(cache.get("c")).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
    cache.set("a", entry, 1e9);
    expect(live()).toEqual(["a"]);
  });

  it("evicts in constant time whatever the bound (10,000 subjects and more stay as cheap as 100)", () => {
    const entry = { credentials: { kind: "aws" }, expiresAt: 2e12, refreshAt: 1.5e12 } as never;
    const keys = Array.from({ length: 120_000 }, (_, i) => `fedkit:v1:${i.toString(16).padStart(64, "0")}`);
    /** Milliseconds for 20,000 sets into a full cache of `max` entries, each evicting (and audited). */
    const evictionRun = (max: number) => {
      let evictions = 0;
      const cache = memoryCache({ max, onEvict: () => evictions++ });
      for (let i = 0; i < max; i++) cache.set(keys[i]!, entry, 1e9);
      const started = performance.now();
      for (let i = max; i < max + 20_000; i++) cache.set(keys[i]!, entry, 1e9);
      const ms = performance.now() - started;
      expect(evictions).toBe(20_000);
      expect(cache.size).toBe(max);
      return ms;
    };
    evictionRun(100);
    const small = Math.min(evictionRun(100), evictionRun(100));
    const large = Math.min(evictionRun(100_000), evictionRun(100_000));
    // A scan per eviction made this ~50-150x (up to 80 µs vs 0.5 µs per set); constant time stays within 3-5x (a
    // larger table only misses the CPU cache more).
    expect(large).toBeLessThan(Math.max(small * 15, 40));
  });

  it("refuses a bound that is not a positive integer", () => {
    expect(() => createFederation({ limits: { cacheMaxEntries: 0 } })).toThrow("max must be an integer >= 1");
  });
});
