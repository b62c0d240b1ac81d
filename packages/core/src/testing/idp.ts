/**
 * A throwaway OIDC signer for tests: an RS256 key pair, its JWKS, and a function that signs claims.
 *
 * @packageDocumentation
 */
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from "jose";
import type { TokenClaims } from "../types.js";

/** A test signer. @public */
export interface TestSigner {
  readonly issuer: string;
  readonly jwks: JSONWebKeySet;
  /** Signs `claims` (iss defaults to the signer's, iat/exp to now and now + 1 h). */
  sign(claims: Partial<TokenClaims>): Promise<string>;
}

/**
 * Creates a test signer with a fresh RS256 key.
 *
 * @example
 * ```ts
 * const idp = await createTestSigner();
 * const jwt = await idp.sign({ sub: "repo:org/app", aud: "sts.amazonaws.com" });
 * ```
 * @public
 */
export async function createTestSigner(issuer = "https://idp.test.fedkit.dev"): Promise<TestSigner> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = `test-${Math.random().toString(36).slice(2, 10)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return {
    issuer,
    jwks: { keys: [jwk] },
    async sign(claims) {
      const nowS = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, iat: nowS, exp: nowS + 3600, ...claims } as Record<string, unknown>)
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .sign(privateKey);
    },
  };
}
