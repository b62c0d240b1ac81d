// The minter signs through the IssuerSigner interface: a signer that is not a WebCrypto key of a key set (an HSM,
// a cloud KMS) plugs in, and a signer of another deploy context is refused before it signs.
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { jwksDocument } from "../src/documents.js";
import { generateIssuerKeys } from "../src/generate.js";
import { importIssuerKeySet, type PublicJwk } from "../src/keyset.js";
import { createSiteIssuer } from "../src/mint.js";
import { type IssuerSigner, webCryptoSigner } from "../src/signer.js";

const SITE = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A stand-in for a KMS: holds its key elsewhere and only answers sign requests, counting them. */
async function remoteSigner(context?: string): Promise<IssuerSigner & { calls: Uint8Array[] }> {
  const { privateKey, publicKey } = await generateKeyPair("ES256");
  const jwk = await exportJWK(publicKey);
  const publicJwk = { ...jwk, kid: "kms-1", alg: "ES256", use: "sig" } as PublicJwk;
  const calls: Uint8Array[] = [];
  return {
    kid: "kms-1",
    alg: "ES256",
    publicJwk,
    ...(context === undefined ? {} : { context }),
    calls,
    async sign(data) {
      calls.push(data);
      // The "remote" side: a separate key handle and a copy of the bytes, as a network call would have.
      const copy = new Uint8Array(data);
      return new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, copy));
    },
  };
}

describe("IssuerSigner", () => {
  it("mints with a custom, non-key-set signer whose token verifies against its public JWK", async () => {
    const signer = await remoteSigner("production");
    const issuer = createSiteIssuer({
      siteUrl: "https://reports.example.com",
      siteId: SITE,
      context: "production",
      signer,
      now: () => NOW,
    });
    const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
    expect(signer.calls).toHaveLength(1);
    expect(new TextDecoder().decode(signer.calls[0])).toBe(token.raw.split(".").slice(0, 2).join("."));
    const { payload, protectedHeader } = await jwtVerify(
      token.raw,
      createLocalJWKSet(jwksDocument([signer.publicJwk])),
      { issuer: "https://reports.example.com/oidc/production", currentDate: new Date(NOW) },
    );
    expect(protectedHeader).toMatchObject({ alg: "ES256", kid: "kms-1" });
    expect(payload.sub).toBe(`site:${SITE}:context:production:function:report`);
    await expect(issuer.keySet()).rejects.toMatchObject({ code: "config", provider: "issuer" });
  });

  it("refuses a signer of another context, and a signer whose kid differs from its public JWK", async () => {
    const preview = createSiteIssuer({
      siteUrl: "https://reports.example.com",
      siteId: SITE,
      context: "deploy-preview",
      signer: await remoteSigner("production"),
    });
    await expect(preview.mint({ audience: "aud", subjectForm: "site" })).rejects.toMatchObject({
      code: "config",
      keySetContext: "production",
      deployContext: "deploy-preview",
    });
    const signer = await remoteSigner();
    const lying = createSiteIssuer({
      siteUrl: "https://reports.example.com",
      siteId: SITE,
      context: "production",
      signer: { ...signer, kid: "other" },
    });
    await expect(lying.mint({ audience: "aud", subjectForm: "site" })).rejects.toThrow(
      /differ from its publicJwk/,
    );
  });

  it("needs exactly one of keys and signer", async () => {
    const base = { siteUrl: "https://reports.example.com", siteId: SITE, context: "production" };
    expect(() => createSiteIssuer(base)).toThrow(TypeError);
    const { secret } = await generateIssuerKeys({ context: "production" });
    const signer = await remoteSigner();
    expect(() => createSiteIssuer({ ...base, keys: secret, signer })).toThrow(/exactly one/);
  });

  it("webCryptoSigner signs with the key set's key and carries its context; keys may be the variable's text", async () => {
    const { secret } = await generateIssuerKeys({ context: "production", alg: "ES256", kid: "p1" });
    const set = await importIssuerKeySet(secret);
    const signer = webCryptoSigner(set);
    expect(signer).toMatchObject({ kid: "p1", alg: "ES256", context: "production" });
    const data = new TextEncoder().encode("a.b");
    const signature = await signer.sign(data);
    const verifyKey = await crypto.subtle.importKey(
      "jwk",
      signer.publicJwk as JsonWebKey,
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    expect(signature).toHaveLength(64); // raw r || s, as JWS wants
    expect(
      await crypto.subtle.verify(
        { name: "ECDSA", hash: "SHA-256" },
        verifyKey,
        new Uint8Array(signature),
        data,
      ),
    ).toBe(true);

    const fromText = createSiteIssuer({
      siteUrl: "https://x.example",
      siteId: SITE,
      context: "deploy-preview",
      keys: secret,
    });
    await expect(fromText.mint({ audience: "aud", subjectForm: "site" })).rejects.toMatchObject({
      keySetContext: "production",
    });
  });
});
