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

  it("refuses a bound that is not a positive integer", () => {
    expect(() => createFederation({ limits: { cacheMaxEntries: 0 } })).toThrow("max must be an integer >= 1");
  });
});
