// Attacks on token decoding as the engine uses it: claims found only through a `__proto__` claim, and claims
// nested deep enough to overflow the stack of whatever walks them after decoding (the cache key's canonical JSON).
import {
  callbackToken,
  createFederation,
  type FederationError,
  staticToken,
  verifySubjectToken,
} from "@fedkit/core";
import {
  checkTokenAudience,
  checkTokenTimes,
  decodeSubjectToken,
  deriveCacheKey,
  summarizeSubject,
} from "@fedkit/core/provider";
import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { describe, expect, it } from "vitest";
import { fakeProvider } from "./helpers.js";

const AUD = "sts.amazonaws.com";
const b64 = (text: string) => Buffer.from(text).toString("base64url");
/** A compact JWS whose payload is exactly `payload` (a JSON text), so `__proto__` keys survive as written. */
const withPayload = (payload: string) => `${b64('{"alg":"RS256","typ":"JWT"}')}.${b64(payload)}.c2ln`;
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

describe("claims reachable only through a __proto__ claim are not the token's", () => {
  // If decoding ever copied the claims with assignment (`Object.assign({}, parsed)`, a spread into a setter), the
  // `__proto__` claim would become the prototype and these would be inherited.
  const payload = `{"iss":"https://idp.example","__proto__":{"exp":9999999999,"aud":"${AUD}","sub":"admin"}}`;

  it("exp, aud and sub under __proto__ are absent to the early checks and the summary", () => {
    for (const trust of ["unverified", "verified", "minted"] as const) {
      const token = decodeSubjectToken(withPayload(payload), trust);
      expect(() => checkTokenTimes(token, Date.now())).toThrow(/no numeric exp/);
      expect(() => checkTokenAudience(token, AUD, "aws")).toThrow(/no aud claim/);
      expect(summarizeSubject(token)).toEqual({ iss: "https://idp.example" });
    }
  });

  it("the engine refuses such a token before any exchange", async () => {
    const provider = fakeProvider();
    const federation = createFederation();
    const error = (await federation
      .getCredentials(provider, { source: staticToken(withPayload(payload)) })
      .catch((e: unknown) => e)) as FederationError;
    expect(error.code).toBe("invalid_subject_token");
    expect(provider.calls).toBe(0);
  });
});

describe("claims nested deeper than 64 levels do not decode", () => {
  it("64 levels decode and key; 65 do not decode (invalid_subject_token), whatever the part or the trust", async () => {
    const base = `"sub":"s","aud":"${AUD}","exp":9999999999`;
    // The claim set itself is level 0: `x`'s outermost array is level 1.
    const ok = decodeSubjectToken(withPayload(`{${base},"x":${nested(64)}}`), "verified");
    expect(await deriveCacheKey(fakeProvider(), ok)).toMatch(/^fedkit:v1:[0-9a-f]{64}$/);
    for (const raw of [
      withPayload(`{${base},"x":${nested(65)}}`),
      `${b64(`{"alg":"RS256","x":${nested(65)}}`)}.${b64(`{${base}}`)}.c2ln`,
    ]) {
      for (const trust of ["unverified", "verified"] as const) {
        expect(() => decodeSubjectToken(raw, trust)).toThrow(
          expect.objectContaining({ code: "invalid_subject_token" }),
        );
      }
    }
  });

  it("a signed token nested 3,000 levels deep (~8 KB) is refused as invalid_subject_token, not as a stack overflow (bad_response)", async () => {
    // Signed over the payload's text (SignJWT would walk the object itself and overflow first).
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: "deep", alg: "RS256" }] };
    const now = Math.floor(Date.now() / 1000);
    const payload = `{"iss":"https://idp.example","sub":"s","aud":"${AUD}","exp":${now + 3600},"x":${nested(3000)}}`;
    const raw = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: "RS256", kid: "deep", typ: "JWT" })
      .sign(privateKey);
    const provider = fakeProvider();
    const source = callbackToken(() =>
      verifySubjectToken(raw, { jwks, issuer: "https://idp.example", audience: AUD }),
    );
    const error = (await createFederation()
      .getCredentials(provider, { source })
      .catch((e: unknown) => e)) as FederationError;
    expect(error.code).toBe("invalid_subject_token");
    expect(provider.calls).toBe(0);
  });
});
