/** Helpers for the SaaS endpoint tests: posting form/JSON bodies and reading OAuth answers. */
import { exportJWK, generateKeyPair, SignJWT } from "jose";

export async function postForm(
  url: string,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function postJson(
  url: string,
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A signer outside the emulator's IdP, for inline-JWKS issuers (and headers the IdP never writes, e.g. no kid). */
export async function foreignSigner(issuer: string, alg: "RS256" | "ES256" = "ES256") {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid: "foreign-1", alg, use: "sig" };
  return {
    jwks: { keys: [jwk as Record<string, unknown>] },
    sign: (
      claims: Record<string, unknown>,
      nowSeconds: number,
      header: { kid?: string } = { kid: "foreign-1" },
    ) =>
      new SignJWT({
        iss: issuer,
        iat: nowSeconds,
        exp: nowSeconds + 300,
        jti: crypto.randomUUID(),
        ...claims,
      })
        .setProtectedHeader({ alg, ...header })
        .sign(privateKey),
  };
}
