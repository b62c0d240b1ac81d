import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeProvider, jwt } from "./helpers.js";

/** A fresh copy of the module, so each test starts with an empty pool. */
async function freshRandom() {
  vi.resetModules();
  return import("../src/util/random.js");
}

/** Spies on crypto.getRandomValues, keeping each array it filled and a copy of what it put there. */
function spyGetRandomValues() {
  const filled: { array: Uint8Array; copy: Uint8Array }[] = [];
  const original = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
  vi.spyOn(globalThis.crypto, "getRandomValues").mockImplementation((array) => {
    const out = original(array as Uint8Array);
    filled.push({ array: out, copy: out.slice() });
    return array;
  });
  return filled;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("pooledRandom (the engine's own correlation ids and jitter)", () => {
  it("serves consecutive, never repeated bytes from one getRandomValues call, wiping each byte it hands out", async () => {
    const { pooledRandom } = await freshRandom();
    const filled = spyGetRandomValues();
    const draws = Array.from({ length: 10 }, () => pooledRandom(new Uint8Array(12)));
    expect(filled).toHaveLength(1);
    const [{ array: pool, copy }] = filled as [(typeof filled)[0]];
    // Each draw is the next 12 bytes of what the pool drew: no byte served twice, none skipped.
    expect(draws.flatMap((draw) => [...draw])).toEqual([...copy.subarray(0, 120)]);
    // What was served is no longer in the pool; what was not is still there.
    expect(pool.subarray(0, 120).every((b) => b === 0)).toBe(true);
    expect([...pool.subarray(120)]).toEqual([...copy.subarray(120)]);
  });

  it("draws a new pool when the rest cannot serve a request, and passes large requests straight through", async () => {
    const { pooledRandom } = await freshRandom();
    const filled = spyGetRandomValues();
    for (let i = 0; i < 85; i++) pooledRandom(new Uint8Array(12)); // 1,020 of 1,024 bytes
    expect(filled).toHaveLength(1);
    const next = pooledRandom(new Uint8Array(12));
    expect(filled).toHaveLength(2);
    expect([...next]).toEqual([...(filled[1]?.copy.subarray(0, 12) ?? [])]);
    const large = new Uint8Array(512);
    expect(pooledRandom(large)).toBe(large);
    expect(filled).toHaveLength(3);
    expect(filled[2]?.array).toBe(large);
  });

  it("a federation without `random` names its exchanges from the pool: one getRandomValues call, distinct ids", async () => {
    const filled = spyGetRandomValues();
    const audit = memoryAudit();
    const federation = createFederation({ audit, now: () => 1_700_000_000_000 });
    const claims = { iss: "https://idp.example", aud: "sts.amazonaws.com", exp: 1_700_003_600 };
    for (const sub of ["a", "b", "c"]) {
      await federation.getCredentials(fakeProvider(), { source: staticToken(jwt({ ...claims, sub })) });
    }
    const ids = audit.events.map((event) => event.correlationId);
    expect(ids).toHaveLength(3);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{16}$/);
    // At most one pool fill for the three exchanges (none if an earlier test in this file left bytes pooled).
    expect(filled.length).toBeLessThanOrEqual(1);
  });
});
