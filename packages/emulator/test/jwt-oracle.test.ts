// The emulator's IssuerVerifier (how the emulated clouds check tokens, here with an uploaded `jwks`) against public
// JOSE reference data in ../shared/oracles/jwt: Wycheproof JWS/keys, the RFC 7520 cookbook, jose's JWKS cases.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { oracleDir, REQUIRE_ORACLES } from "@fedkit/test-support/oracles";
import { compactVerify, createLocalJWKSet, importJWK, type JWK, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { JWKS } from "../src/config.js";
import { IssuerVerificationError, IssuerVerifier } from "../src/index.js";

const ORACLES = oracleDir("jwt", "wycheproof/json_web_signature_test.json");
const suite = ORACLES !== undefined || REQUIRE_ORACLES ? describe : describe.skip;
if (ORACLES === undefined) {
  console.warn(
    "jwt-oracle: ../shared/oracles/jwt is absent, JWT oracle suites skipped (FEDKIT_REQUIRE_ORACLES=1 fails instead)",
  );
}
const read = <T>(file: string): T => {
  if (ORACLES === undefined) throw new Error(`oracle folder ../shared/oracles/jwt is missing (${file})`);
  return JSON.parse(readFileSync(join(ORACLES, file), "utf8")) as T;
};

/** IssuerVerifier's default allow-list (verifier.ts DEFAULT_ALGS). */
const EMULATOR_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"];
const PRIVATE_MEMBERS = new Set(["d", "p", "q", "dp", "dq", "qi", "oth"]);
const NOW = Date.UTC(2030, 0, 1);
const ISS = "https://issuer.oracle.test";
const verifier = new IssuerVerifier({ now: () => NOW });

const publicJwk = (jwk: JWK): JWK =>
  Object.fromEntries(Object.entries(jwk).filter(([k]) => !PRIVATE_MEMBERS.has(k))) as JWK;
const tally = (map: Map<string, number>, reason: string) => map.set(reason, (map.get(reason) ?? 0) + 1);
const total = (map: Map<string, number>) => [...map.values()].reduce((a, b) => a + b, 0);
const list = (map: Map<string, number>) => [...map].map(([reason, n]) => `${n} ${reason}`).join("; ");

function part(jws: string, index: number): unknown {
  try {
    return JSON.parse(Buffer.from(jws.split(".")[index] ?? "", "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** The verifier's answer: "ok" or the IssuerVerificationError reason. */
async function verdict(token: string, jwks: JWK[]): Promise<string> {
  try {
    await verifier.verify(token, { jwks: { keys: jwks } as JWKS, issuer: ISS });
    return "ok";
  } catch (error) {
    expect(error).toBeInstanceOf(IssuerVerificationError);
    return (error as IssuerVerificationError).reason;
  }
}

async function jwtSignedWith(privateJwk: JWK, alg: string, kid: string | undefined): Promise<string> {
  const key = await importJWK(privateJwk, alg);
  return new SignJWT({ sub: "oracle" })
    .setProtectedHeader(kid === undefined ? { alg } : { alg, kid })
    .setIssuer(ISS)
    .setIssuedAt(NOW / 1000 - 10)
    .setExpirationTime(NOW / 1000 + 300)
    .sign(key);
}

interface WycheproofGroup {
  comment?: string;
  public?: JWK;
  private?: JWK;
  tests: { tcId: number; comment: string; jws: string; result: "valid" | "invalid" }[];
}

suite("JWT oracles: emulator IssuerVerifier with an uploaded jwks", () => {
  it("Wycheproof JWS: every compact case is refused unless it is a valid JWT with an allowed alg", async () => {
    const file = read<{ testGroups: WycheproofGroup[] }>("wycheproof/json_web_signature_test.json");
    const ran = new Map<string, number>();
    const notApplicable = new Map<string, number>();
    for (const group of file.testGroups) {
      const key = group.public ?? group.private;
      if (key === undefined) throw new Error(`group ${group.comment} has no key`);
      const jwks = [key.kty === "oct" ? key : publicJwk(key)];
      for (const test of group.tests) {
        const label = `tcId ${test.tcId} (${test.comment})`;
        if (typeof test.jws !== "string" || test.jws.trimStart().startsWith("{")) {
          if (typeof test.jws === "string") expect(await verdict(test.jws, jwks), label).toBe("malformed");
          tally(notApplicable, "JSON serialization (compact JWTs only; refused as malformed)");
          continue;
        }
        const alg = (part(test.jws, 0) as { alg?: unknown } | undefined)?.alg;
        const payload = part(test.jws, 1);
        const claimsSet = typeof payload === "object" && payload !== null && !Array.isArray(payload);
        if (test.result === "valid" && claimsSet)
          throw new Error(`${label}: a valid JWT case, extend this test`);
        const reason = await verdict(test.jws, jwks);
        expect(reason, label).not.toBe("ok");
        if (typeof alg !== "string" || !EMULATOR_ALGS.includes(alg))
          tally(ran, "refused: alg outside the allow-list");
        else if (!claimsSet) {
          // The verifier decodes the claims first: a JWS over "foo" is not a token whatever its signature.
          expect(reason, label).toBe("malformed");
          tally(ran, `refused ${test.result} (${alg}): payload is not a JWT Claims Set`);
        } else tally(ran, `refused invalid (${alg})`);
      }
    }
    console.info(
      `wycheproof JWS (emulator): ran ${total(ran)} [${list(ran)}]; not applicable ${total(notApplicable)} [${list(notApplicable)}]`,
    );
    expect(total(ran)).toBeGreaterThan(390);
  });

  it("Wycheproof keys: a JWT signed with each group's private key verifies only where the group's key may verify", async () => {
    // Wycheproof's payloads are not JWTs, so the key constraints (use, key_ops, alg) are exercised on a JWT signed
    // with the group's own private key: accepted where the group has valid cases, refused where all are invalid.
    const file = read<{ testGroups: WycheproofGroup[] }>("wycheproof/json_web_signature_test.json");
    const ran: string[] = [];
    const notApplicable = new Map<string, number>();
    for (const group of file.testGroups) {
      const { public: pub, private: priv } = group;
      const alg = pub?.alg ?? (part(group.tests[0]?.jws ?? "", 0) as { alg?: string } | undefined)?.alg;
      if (pub === undefined || priv === undefined || alg === undefined) {
        tally(notApplicable, "symmetric (HS256) group: no public key to upload");
        continue;
      }
      if (!EMULATOR_ALGS.includes(alg)) {
        tally(notApplicable, `${alg} outside the allow-list`);
        continue;
      }
      const token = await jwtSignedWith({ ...priv, alg, use: "sig", key_ops: ["sign"] }, alg, pub.kid);
      const expectValid = group.tests.some((t) => t.result === "valid");
      const label = `group ${group.comment} (${alg}, use ${pub.use ?? "-"}, key_ops ${pub.key_ops ?? "-"})`;
      const reason = await verdict(token, [publicJwk(pub)]);
      if (expectValid) expect(reason, label).toBe("ok");
      else expect(reason, label).not.toBe("ok");
      const tampered = `${token.slice(0, -4)}${token.endsWith("AAAA") ? "BBBB" : "AAAA"}`;
      if (expectValid) expect(await verdict(tampered, [publicJwk(pub)]), label).toBe("bad_signature");
      ran.push(label);
    }
    console.info(
      `wycheproof keys (emulator): ran ${ran.length}; not applicable ${total(notApplicable)} [${list(notApplicable)}]`,
    );
    expect(ran.length).toBeGreaterThan(5);
  });

  it("RFC 7520 cookbook RS256/ES256: signatures verify with the vector's key, the text payload is refused", async () => {
    interface Vector {
      title: string;
      input: { payload: string; key: JWK; alg: string };
      output: { compact?: string };
    }
    const vectors = read<Vector[]>("panva-jose-cookbook-jws.json");
    let ran = 0;
    const notApplicable = new Map<string, number>();
    for (const vector of vectors) {
      const { alg, key, payload } = vector.input;
      const compact = vector.output.compact;
      if (!["RS256", "ES256"].includes(alg) || compact === undefined) {
        tally(notApplicable, compact === undefined ? "JSON serialization only" : `${alg} (not RS256/ES256)`);
        continue;
      }
      const keys = [publicJwk(key)];
      const { payload: signed } = await compactVerify(compact, createLocalJWKSet({ keys }), {
        algorithms: [alg],
      });
      expect(new TextDecoder().decode(signed), vector.title).toBe(payload);
      expect(await verdict(compact, keys), vector.title).toBe("malformed");
      ran++;
    }
    console.info(
      `RFC 7520 cookbook (emulator): ran ${ran}; not applicable ${total(notApplicable)} [${list(notApplicable)}]`,
    );
    expect(ran).toBeGreaterThan(0);
  });

  it("jose JWKS cases: a kid missing from the uploaded JWKS is kid_not_found, a match reaches the signature", async () => {
    const file = read<{
      now: number;
      jwks: { keys: JWK[] };
      jwksCases: { name: string; protectedHeader: Record<string, unknown>; result: { matched: boolean } }[];
    }>("panva-jose-jwt-claims-cases.json");
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
    for (const c of file.jwksCases) {
      // No private key exists for this JWKS: the dummy signature only matters once a key is selected.
      const token = `${enc(c.protectedHeader)}.${enc({ iss: ISS, exp: NOW / 1000 + 60 })}.${"A".repeat(86)}`;
      expect(await verdict(token, file.jwks.keys), c.name).toBe(
        c.result.matched ? "bad_signature" : "kid_not_found",
      );
    }
    console.info(`jose JWKS cases (emulator): ran ${file.jwksCases.length}; not applicable 0`);
  });
});
