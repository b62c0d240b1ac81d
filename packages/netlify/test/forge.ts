// What deploy-preview code holding its own signing key can produce: any claims at all, signed with that key.
// The attacker tests use it to forge tokens the site issuer would never mint (another context's claims).
import type { SubjectToken } from "@fedkit/core";
import { base64url, decodeSubjectToken } from "@fedkit/core/provider";
import { importIssuerKeySet } from "@fedkit/netlify";

/** Signs `claims` (RS256) with the key of a `generateIssuerKeys` secret; `iat`/`exp` default to now + 300 s. */
export async function forgeToken(secret: string, claims: Record<string, unknown>): Promise<SubjectToken> {
  const keys = await importIssuerKeySet(secret);
  const iat = Math.floor(Date.now() / 1000);
  const json = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));
  const input = `${json({ alg: "RS256", kid: keys.signingKey.kid, typ: "JWT" })}.${json({ iat, nbf: iat, exp: iat + 300, jti: crypto.randomUUID(), ...claims })}`;
  const signature = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    keys.signingKey.key,
    new TextEncoder().encode(input),
  );
  return decodeSubjectToken(`${input}.${base64url(new Uint8Array(signature))}`);
}
