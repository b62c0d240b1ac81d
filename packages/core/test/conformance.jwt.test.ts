// Core's token verification (verifySubjectToken / requestBearerToken) against public JOSE reference data in
// ../shared/oracles/jwt: Wycheproof JWS cases, the RFC 7520 cookbook and jose's JWT claim-validation cases.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { oracleDir, REQUIRE_ORACLES } from "@fedkit/test-support/oracles";
import { CompactSign, compactVerify, createLocalJWKSet, errors, importJWK, type JWK, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { FederationError } from "../src/errors.js";
import { requestBearerToken } from "../src/sources/request.js";
import { type VerifyOptions, verifySubjectToken } from "../src/sources/verify.js";

const ORACLES = oracleDir("jwt", "wycheproof/json_web_signature_test.json");

const suite = ORACLES !== undefined || REQUIRE_ORACLES ? describe : describe.skip;
if (ORACLES === undefined) {
  console.warn(
    "conformance.jwt: ../shared/oracles/jwt is absent, JWT oracle suites skipped (FEDKIT_REQUIRE_ORACLES=1 fails instead)",
  );
}
const read = <T>(file: string): T => {
  if (ORACLES === undefined) throw new Error(`oracle folder ../shared/oracles/jwt is missing (${file})`);
  return JSON.parse(readFileSync(join(ORACLES, file), "utf8")) as T;
};

/** Core's default allow-list (verify.ts DEFAULT_ALGORITHMS). */
const CORE_ALGS = ["RS256", "ES256", "PS256", "EdDSA"];
const PRIVATE_MEMBERS = new Set(["d", "p", "q", "dp", "dq", "qi", "oth"]);
const decoder = new TextDecoder("utf-8", { fatal: true });

function publicJwk(jwk: JWK): JWK {
  if (jwk.kty === "oct") return jwk;
  return Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.has(k))) as JWK;
}

function b64json(part: string | undefined): unknown {
  return JSON.parse(decoder.decode(Buffer.from(part ?? "", "base64url")));
}

/** Whether the compact JWS carries a JWT Claims Set (a JSON object payload); Wycheproof mostly signs "foo". */
function hasClaimsSet(jws: string): boolean {
  try {
    const payload = b64json(jws.split(".")[1]);
    return payload !== null && typeof payload === "object" && !Array.isArray(payload);
  } catch {
    return false;
  }
}

function headerAlg(jws: string): string | undefined {
  try {
    const alg = (b64json(jws.split(".")[0]) as { alg?: unknown }).alg;
    return typeof alg === "string" ? alg : undefined;
  } catch {
    return undefined;
  }
}

async function outcome(promise: Promise<unknown>): Promise<FederationError | "ok"> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(FederationError);
    return error as FederationError;
  }
}

const counts = (tally: Map<string, number>): string =>
  [...tally].map(([reason, n]) => `${n} ${reason}`).join("; ");
const bump = (tally: Map<string, number>, reason: string) => tally.set(reason, (tally.get(reason) ?? 0) + 1);

interface WycheproofGroup {
  comment?: string;
  public?: JWK;
  private?: JWK;
  tests: { tcId: number; comment: string; jws: unknown; result: "valid" | "invalid"; flags?: string[] }[];
}

suite("JWT oracles: core verifySubjectToken", () => {
  it("Wycheproof JWS: valid cases verify or are refused as non-JWTs, invalid and disallowed ones are refused", async () => {
    const file = read<{ testGroups: WycheproofGroup[] }>("wycheproof/json_web_signature_test.json");
    const ran = new Map<string, number>();
    const notApplicable = new Map<string, number>();
    for (const group of file.testGroups) {
      const key = group.public ?? group.private;
      if (key === undefined) throw new Error(`group ${group.comment} has no key`);
      const jwks = { keys: [publicJwk(key)] };
      for (const test of group.tests) {
        const label = `tcId ${test.tcId} (${test.comment})`;
        if (typeof test.jws !== "string" || test.jws.trimStart().startsWith("{")) {
          // Not applicable to compact JWTs; a caller passing one anyway must still be refused.
          if (typeof test.jws === "string") {
            const refused = await outcome(verifySubjectToken(test.jws, { jwks, issuer: "x", audience: "x" }));
            expect(refused === "ok" ? refused : refused.code, label).toBe("invalid_subject_token");
          }
          bump(notApplicable, "JSON serialization (fedkit verifies compact JWTs only; refused)");
          continue;
        }
        const alg = headerAlg(test.jws);
        const allowed = alg !== undefined && CORE_ALGS.includes(alg);
        const options: VerifyOptions = { jwks, issuer: "urn:wycheproof", audience: "urn:wycheproof" };
        const result = await outcome(verifySubjectToken(test.jws, options));
        if (test.result === "valid" && allowed && hasClaimsSet(test.jws)) {
          throw new Error(
            `${label}: a valid JWT case; this suite has none, extend the test to check its claims`,
          );
        }
        // Everything here must be refused: invalid cases, disallowed algorithms, and JWS that are not JWTs.
        expect(result, label).not.toBe("ok");
        expect((result as FederationError).code, label).toBe("invalid_subject_token");
        if (!allowed) bump(ran, `refused: alg ${alg ?? "(unreadable)"} not in the allow-list`);
        else if (!hasClaimsSet(test.jws))
          bump(ran, `refused ${test.result}: payload is not a JWT Claims Set`);
        else bump(ran, "refused invalid");
        if (!allowed || test.result === "invalid" || alg === undefined) continue;
        // A valid JWS whose payload is not a JWT: the signature itself must check out with the same local key
        // set and allow-list core hands to jose, so the refusal above is for the payload only.
        await expect(
          compactVerify(test.jws, createLocalJWKSet(jwks), { algorithms: CORE_ALGS }),
        ).resolves.toBeDefined();
      }
    }
    console.info(
      `wycheproof JWS (core): ran ${[...ran.values()].reduce((a, b) => a + b, 0)} [${counts(ran)}]; not applicable ${[...notApplicable.values()].reduce((a, b) => a + b, 0)} [${counts(notApplicable)}]`,
    );
    expect([...ran.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(390);
    expect(notApplicable.size).toBeLessThanOrEqual(1);
  });

  it("Wycheproof keys: a JWT signed with each group's private key verifies only where the group's key may verify", async () => {
    // Wycheproof's payloads are not JWTs, so the key constraints (use, key_ops, alg) are exercised on a JWT signed
    // with the group's own private key: accepted where the group has valid cases, refused where all are invalid.
    const file = read<{ testGroups: WycheproofGroup[] }>("wycheproof/json_web_signature_test.json");
    const ran: string[] = [];
    const notApplicable = new Map<string, number>();
    const now = Date.UTC(2030, 0, 1);
    for (const group of file.testGroups) {
      const { public: pub, private: priv } = group;
      const first = group.tests[0]?.jws;
      const alg = pub?.alg ?? (typeof first === "string" ? headerAlg(first) : undefined);
      if (pub === undefined || priv === undefined || alg === undefined) {
        bump(notApplicable, "symmetric (HS256) group: no public key for a JWKS");
        continue;
      }
      if (!CORE_ALGS.includes(alg)) {
        bump(notApplicable, `${alg} outside the allow-list`);
        continue;
      }
      const token = await new SignJWT({ sub: "oracle" })
        .setProtectedHeader(pub.kid === undefined ? { alg } : { alg, kid: pub.kid })
        .setIssuer("urn:wycheproof")
        .setAudience("urn:fedkit")
        .setExpirationTime(now / 1000 + 300)
        .sign(await importJWK({ ...priv, alg, use: "sig", key_ops: ["sign"] }, alg));
      const label = `group ${group.comment} (${alg}, use ${pub.use ?? "-"}, key_ops ${pub.key_ops ?? "-"})`;
      const options = { jwks: { keys: [publicJwk(pub)] }, issuer: "urn:wycheproof", audience: "urn:fedkit" };
      const result = await outcome(verifySubjectToken(token, { ...options, now: () => now }));
      if (group.tests.some((t) => t.result === "valid")) {
        expect(result, label).toBe("ok");
        const tampered = `${token.slice(0, -4)}${token.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
        const refused = await outcome(verifySubjectToken(tampered, { ...options, now: () => now }));
        expect(refused === "ok" ? refused : refused.code, label).toBe("invalid_subject_token");
      } else {
        expect(result === "ok" ? result : result.code, label).toBe("invalid_subject_token");
      }
      ran.push(label);
    }
    console.info(
      `wycheproof keys (core): ran ${ran.length}; not applicable ${[...notApplicable.values()].reduce((a, b) => a + b, 0)} [${counts(notApplicable)}]`,
    );
    expect(ran.length).toBeGreaterThan(5);
  });

  it("RFC 7520 cookbook RS256/ES256 JWS verify with their keys (and core refuses them as non-JWT payloads)", async () => {
    interface Vector {
      title: string;
      input: { payload: string; key: JWK; alg: string };
      output: { compact?: string };
    }
    const vectors = read<Vector[]>("panva-jose-cookbook-jws.json");
    const ran: string[] = [];
    const notApplicable = new Map<string, number>();
    for (const vector of vectors) {
      const { alg, key, payload } = vector.input;
      if (!["RS256", "ES256"].includes(alg)) {
        bump(notApplicable, `${alg} (not RS256/ES256)`);
        continue;
      }
      const compact = vector.output.compact;
      if (compact === undefined) {
        bump(notApplicable, "JSON serialization only");
        continue;
      }
      const jwks = { keys: [publicJwk(key)] };
      const verified = await compactVerify(compact, createLocalJWKSet(jwks), { algorithms: CORE_ALGS });
      expect(new TextDecoder().decode(verified.payload), vector.title).toBe(payload);
      const refused = await outcome(verifySubjectToken(compact, { jwks, issuer: "x", audience: "x" }));
      expect(refused === "ok" ? refused : refused.message, vector.title).toBe(
        "The subject token is not a decodable JWT.",
      );
      // Control: the same vector with its signature altered must not verify.
      const flipped = `${compact.slice(0, -2)}${compact.endsWith("A") ? "B" : "A"}${compact.slice(-1)}`;
      await expect(
        compactVerify(flipped, createLocalJWKSet(jwks), { algorithms: CORE_ALGS }),
      ).rejects.toThrow();
      ran.push(vector.title);
    }
    console.info(
      `RFC 7520 cookbook (core): ran ${ran.length} (signature verified with the vector's key; core refuses the text payload as not a JWT); not applicable ${vectors.length - ran.length} [${counts(notApplicable)}]`,
    );
    expect(ran.length).toBeGreaterThan(0);
  });

  it("jose JWT claim cases: accept/refuse as upstream, mapped to fedkit error codes", async () => {
    interface ClaimCase {
      name: string;
      token: string;
      verifyOptions: Record<string, unknown>;
      expected: { valid: boolean; code?: string };
    }
    interface ClaimsFile {
      hs256SecretHex: string;
      now: number;
      cases: ClaimCase[];
      jwks: { keys: JWK[] };
      jwksCases: { name: string; protectedHeader: Record<string, unknown>; result: { matched: boolean } }[];
    }
    const file = read<ClaimsFile>("panva-jose-jwt-claims-cases.json");
    const secret = Buffer.from(file.hs256SecretHex, "hex");
    // jose's local JWKS holds no symmetric keys, so the HS256 secret comes from a key resolver (a JwksSource).
    const jwks = async () => secret;
    const now = () => file.now * 1000;
    const ISS = "urn:fedkit:test-issuer";
    const AUD = "urn:fedkit:test-audience";
    // fedkit has no subject/typ options: the cloud's trust policy decides sub. Cases only those options decide
    // are not applicable. maxTokenAge is fedkit's own option (seconds).
    const unsupported = (options: Record<string, unknown>, valid: boolean) =>
      valid ? undefined : (["subject", "typ"] as const).find((o) => o in options);
    // Where refusal is decided before the claims (signature, alg, payload type) the original token runs as is.
    const beforeClaims = /truncated signature|not a JSON object|alg none|alg not allowed/;
    const expectedCode = (c: ClaimCase): string => {
      if (/expired|exp ==|nbf ==|too old/.test(c.name)) return "expired_subject_token";
      if (/audience/.test(c.name)) return "audience_mismatch";
      if (/issuer/.test(c.name)) return "issuer_untrusted";
      return "invalid_subject_token";
    };
    const ran: string[] = [];
    const notApplicable: string[] = [];
    for (const c of file.cases) {
      const option = unsupported(c.verifyOptions, c.expected.valid);
      if (option !== undefined) {
        notApplicable.push(`${c.name}: fedkit has no ${option} option`);
        continue;
      }
      const issuer = (c.verifyOptions["issuer"] as string[] | undefined) ?? ISS;
      const audience = (c.verifyOptions["audience"] as string[] | undefined) ?? AUD;
      let token = c.token;
      const [header, payload] = token.split(".");
      const claims = b64json(payload) as Record<string, unknown>;
      if (
        !beforeClaims.test(c.name) &&
        (claims["iss"] === undefined || claims["aud"] === undefined || !("exp" in claims))
      ) {
        // fedkit always requires iss, aud and exp: add the test values the options allow (an exp an hour after
        // the oracle's now, so only the claim the case is about decides), same key and header.
        const withIssAud = { iss: ISS, aud: AUD, exp: file.now + 3600, ...claims };
        token = await new CompactSign(new TextEncoder().encode(JSON.stringify(withIssAud)))
          .setProtectedHeader(b64json(header) as { alg: string })
          .sign(secret);
      }
      const tolerance = c.verifyOptions["clockTolerance"];
      const options: VerifyOptions = {
        jwks,
        issuer,
        audience,
        now,
        algorithms: (c.verifyOptions["algorithms"] as string[] | undefined) ?? ["HS256"],
        clockToleranceSeconds: typeof tolerance === "string" ? Number.parseInt(tolerance, 10) : 0,
      };
      const maxAge = c.verifyOptions["maxTokenAge"];
      if (maxAge !== undefined)
        options.maxTokenAge = typeof maxAge === "string" ? Number.parseInt(maxAge, 10) : (maxAge as number);
      if (
        (Array.isArray(issuer) && issuer.length === 0) ||
        (Array.isArray(audience) && audience.length === 0)
      ) {
        // An empty allow-list accepts nothing upstream; fedkit refuses it earlier, as a configuration error,
        // because jose would skip the check altogether for a missing value.
        expect(c.expected.valid, c.name).toBe(false);
        await expect(verifySubjectToken(token, options), c.name).rejects.toThrow(TypeError);
        ran.push(c.name);
        continue;
      }
      const result = await outcome(verifySubjectToken(token, options));
      if (c.expected.valid) expect(result, c.name).toBe("ok");
      else expect(result === "ok" ? result : result.code, c.name).toBe(expectedCode(c));
      ran.push(c.name);
    }
    // Key selection in a local JWKS (ES256 key from jose's test/jwks/local.test.ts). No private key exists for
    // it, so tokens carry a dummy signature: a missing kid must fail key selection, a match must reach the
    // signature check.
    for (const c of file.jwksCases) {
      const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
      const token = `${enc(c.protectedHeader)}.${enc({ iss: ISS, aud: AUD, exp: file.now + 60 })}.${"A".repeat(86)}`;
      const source = requestBearerToken(
        new Request("https://edge.example/", { headers: { authorization: `Bearer ${token}` } }),
        { jwks: file.jwks, issuer: ISS, audience: AUD, now },
      );
      const result = await outcome(source.getToken({ audience: AUD, now }));
      expect(result === "ok" ? result : result.code, c.name).toBe("invalid_subject_token");
      const cause = (result as FederationError).cause;
      if (c.result.matched) expect(cause, c.name).toBeInstanceOf(errors.JWSSignatureVerificationFailed);
      else expect(cause, c.name).toBeInstanceOf(errors.JWKSNoMatchingKey);
      ran.push(c.name);
    }
    console.info(
      `jose JWT claim cases (core): ran ${ran.length}; not applicable ${notApplicable.length} [${notApplicable.join("; ")}]`,
    );
    expect(ran.length).toBeGreaterThan(10);
  });
});
