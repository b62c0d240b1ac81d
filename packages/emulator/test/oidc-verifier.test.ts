import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, IssuerVerificationError, IssuerVerifier, startEmulator } from "../src/index.js";

let clock = Date.UTC(2030, 0, 1);
const now = () => clock;
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({}, { now });
});
afterAll(() => emulator.stop());

/** A fetch that counts requests per path, so tests can assert how often keys were fetched. */
function countingFetch() {
  const counts = { discovery: 0, jwks: 0 };
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = String(input);
    if (url.endsWith("/.well-known/openid-configuration")) counts.discovery++;
    if (url.endsWith("/jwks")) counts.jwks++;
    return fetch(input, init);
  };
  return { counts, fetchImpl };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IssuerVerificationError);
  return (error as IssuerVerificationError).reason;
}

describe("IssuerVerifier", () => {
  it("verifies RS256 and ES256 tokens from the issuer's discovery + JWKS, fetching once", async () => {
    const { counts, fetchImpl } = countingFetch();
    const verifier = new IssuerVerifier({ now, fetch: fetchImpl });
    for (const alg of ["RS256", "ES256"] as const) {
      const token = await emulator.idp.mint({ sub: "alice", aud: "sts.amazonaws.com", alg });
      const { payload, header } = await verifier.verify(token);
      expect(payload.sub).toBe("alice");
      expect(header.alg).toBe(alg);
    }
    expect(counts).toEqual({ discovery: 1, jwks: 1 });
  });

  it("keeps a rotated-out key while cached, refuses its tokens after the cache time once the key is gone", async () => {
    const { counts, fetchImpl } = countingFetch();
    const verifier = new IssuerVerifier({ now, fetch: fetchImpl, jwksCacheSeconds: 600 });
    const oldKid = await emulator.idp.rotate("RS256");
    const token = await emulator.idp.mint({ sub: "bob", aud: "a", ttlSeconds: 7200 });
    await verifier.verify(token);
    await emulator.idp.rotate("RS256");
    emulator.idp.retire(oldKid);
    clock += 599_000;
    await expect(verifier.verify(token)).resolves.toMatchObject({ header: { kid: oldKid } });
    expect(counts.jwks).toBe(1);
    clock += 2_000;
    expect(await reason(verifier.verify(token))).toBe("kid_not_found");
    expect(counts.jwks).toBe(2);
  });

  it("refetches on an unknown kid once per cooldown, not once per request", async () => {
    const { counts, fetchImpl } = countingFetch();
    const verifier = new IssuerVerifier({ now, fetch: fetchImpl, refetchCooldownSeconds: 30 });
    await verifier.verify(await emulator.idp.mint({ sub: "c", aud: "a" }));
    clock += 31_000;
    const newKid = await emulator.idp.rotate("ES256");
    const token = await emulator.idp.mint({ sub: "c", aud: "a", alg: "ES256", kid: newKid });
    const results = await Promise.all([
      verifier.verify(token),
      verifier.verify(token),
      verifier.verify(token),
    ]);
    expect(results.every((r) => r.header.kid === newKid)).toBe(true);
    expect(counts.jwks).toBe(2);
    // A kid nobody publishes: one refetch after the cooldown, then none until it passes again.
    const forged = `${Buffer.from(JSON.stringify({ alg: "ES256", kid: "ghost" })).toString("base64url")}.${token.split(".")[1]}.${token.split(".")[2]}`;
    clock += 31_000;
    for (let i = 0; i < 5; i++) expect(await reason(verifier.verify(forged))).toBe("kid_not_found");
    expect(counts.jwks).toBe(3);
    clock += 31_000;
    expect(await reason(verifier.verify(forged))).toBe("kid_not_found");
    expect(counts.jwks).toBe(4);
  });

  it("checks exp, nbf and iat on the injected clock with the given skew", async () => {
    const verifier = new IssuerVerifier({ now });
    const token = await emulator.idp.mint({ sub: "d", aud: "a", ttlSeconds: 60 });
    clock += 61_000;
    expect(await reason(verifier.verify(token))).toBe("expired");
    await expect(verifier.verify(token, { skewSeconds: 5 })).resolves.toBeDefined();
    const early = await emulator.idp.mint({
      sub: "d",
      aud: "a",
      claims: { nbf: Math.floor(clock / 1000) + 120 },
    });
    expect(await reason(verifier.verify(early))).toBe("not_yet_valid");
    const future = await emulator.idp.mint({
      sub: "d",
      aud: "a",
      claims: { iat: Math.floor(clock / 1000) + 120 },
    });
    expect(await reason(verifier.verify(future))).toBe("not_yet_valid");
  });

  it("refuses a tampered signature, a disallowed alg, a wrong issuer and a non-JWT", async () => {
    const verifier = new IssuerVerifier({ now });
    const token = await emulator.idp.mint({ sub: "e", aud: "a" });
    const [h, p, s] = token.split(".") as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, "base64url").toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...payload, sub: "mallory" })).toString("base64url")}.${s}`;
    expect(await reason(verifier.verify(tampered))).toBe("bad_signature");
    expect(await reason(verifier.verify(token, { algorithms: ["ES256"] }))).toBe("alg_not_allowed");
    expect(await reason(verifier.verify(token, { issuer: "https://other.example" }))).toBe("issuer_mismatch");
    expect(await reason(verifier.verify("not-a-jwt"))).toBe("malformed");
    const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${p}.`;
    expect(await reason(verifier.verify(none))).toBe("alg_not_allowed");
  });

  it("allows plain http only for loopback issuers, and reports unreachable discovery", async () => {
    const verifier = new IssuerVerifier({ now });
    const remote = await emulator.idp.mint({ sub: "f", aud: "a", claims: { iss: "http://issuer.example" } });
    expect(await reason(verifier.verify(remote))).toBe("discovery_failed");
    const strict = new IssuerVerifier({ now, allowHttpLoopback: false });
    expect(await reason(strict.verify(await emulator.idp.mint({ sub: "f", aud: "a" })))).toBe(
      "discovery_failed",
    );
    const gone = await emulator.idp.mint({ sub: "f", aud: "a", claims: { iss: "http://127.0.0.1:9" } });
    expect(await reason(verifier.verify(gone))).toBe("discovery_failed");
  });

  it("verifies against an uploaded JWKS without fetching", async () => {
    const fetchImpl: typeof fetch = async () => {
      throw new Error("must not fetch");
    };
    const verifier = new IssuerVerifier({ now, fetch: fetchImpl });
    const token = await emulator.idp.mint({
      sub: "g",
      aud: "a",
      claims: { iss: "https://uploaded.example" },
    });
    const { payload } = await verifier.verify(token, { jwks: emulator.idp.jwks() });
    expect(payload.iss).toBe("https://uploaded.example");
  });
});
