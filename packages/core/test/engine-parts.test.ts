// Unit tests of the engine's named parts (src/engine): single flight, failure memory, refresh scheduling.
import { FederationError, type Provider, type SubjectToken } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { failureMemory } from "../src/engine/failures.js";
import { keyMemo } from "../src/engine/keys.js";
import { resolveRefreshPolicy } from "../src/engine/policy.js";
import { singleFlight } from "../src/engine/single-flight.js";
import { deferred, fakeProvider, jwt } from "./helpers.js";

const claims = { iss: "https://idp.example", aud: "sts.amazonaws.com", exp: 1_700_003_600 };
const outage = () => new FederationError("provider_unavailable", "STS 503", { provider: "aws", status: 503 });

describe("SingleFlight", () => {
  it("joins callers of a key to the pending work and forgets it once settled, success or failure", async () => {
    const flights = singleFlight<number>();
    const gate = deferred();
    let started = 0;
    const work = () => {
      started++;
      return gate.promise.then(() => started);
    };
    const a = flights.run("k", work);
    const b = flights.run("k", work);
    expect(a).toBe(b);
    expect(flights.has("k")).toBe(true);
    gate.resolve();
    expect(await a).toBe(1);
    expect(flights.has("k")).toBe(false);
    const failed = flights.run("k", () => Promise.reject(new Error("x")));
    await failed.catch(() => undefined);
    expect(flights.has("k")).toBe(false);
    expect(await flights.run("k", async () => 7)).toBe(7);
  });
});

describe("FailureMemory", () => {
  const setup = () => {
    const memory = failureMemory(keyMemo(), resolveRefreshPolicy({ negativeTtlMs: 1000 }));
    return { memory, provider: fakeProvider() as Provider };
  };

  it("remembers an availability failure under the pair's cache key only", async () => {
    const { memory, provider } = setup();
    const alice = jwt({ ...claims, sub: "alice" }, "verified");
    const keysA = memory.keysOf(provider, alice, "key-alice");
    const keysB = memory.keysOf(provider, jwt({ ...claims, sub: "bob" }, "verified"), "key-bob");
    memory.recordFailure(provider, alice, keysA, outage(), 0);
    expect(memory.check(keysA, 10)?.error.code).toBe("provider_unavailable");
    expect(memory.check(keysB, 10)).toBeUndefined();
    expect(memory.check(keysA, 1001)).toBeUndefined();
  });

  it("marks the provider struggling for a trusted subject's outage, never for an unverified token's", async () => {
    const { memory, provider } = setup();
    const forged: SubjectToken = jwt({ ...claims, sub: "x" }, "unverified", "Zm9yZ2Vk");
    memory.recordFailure(provider, forged, memory.keysOf(provider, forged, "k1"), outage(), 0);
    expect(memory.providerStruggling(provider, 10)).toBe(false);
    const real = jwt({ ...claims, sub: "y" }, "verified");
    const keys = memory.keysOf(provider, real, "k2");
    memory.recordFailure(provider, real, keys, outage(), 0);
    expect(memory.providerStruggling(provider, 10)).toBe(true);
    memory.recordSuccess(provider, keys);
    expect(memory.providerStruggling(provider, 10)).toBe(false);
    expect(memory.check(keys, 10)).toBeUndefined();
  });

  it("remembers token errors per raw token, not per subject", async () => {
    const { memory, provider } = setup();
    const first = jwt({ ...claims, sub: "s" }, "verified", "Zmlyc3Q");
    const second = jwt({ ...claims, sub: "s" }, "verified", "c2Vjb25k");
    const denied = new FederationError("access_denied", "no", { provider: "aws", status: 403 });
    const k1 = memory.keysOf(provider, first, "same-key");
    memory.recordFailure(provider, first, k1, denied, 0);
    expect(memory.check(k1, 1)?.error.code).toBe("access_denied");
    expect(memory.check(memory.keysOf(provider, second, "same-key"), 1)).toBeUndefined();
    // A refusal names the remembered failure and made no attempt of its own.
    const refusal = memory.refusal(memory.check(k1, 1)!, 1);
    expect(refusal.message).toContain("remembered failure");
    expect(refusal.attempts).toBe(0);
  });
});
