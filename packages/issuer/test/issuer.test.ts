import { FederationError } from "@fedkit/core";
import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { discoveryDocument, ISSUER_SET_CLAIMS, jwksDocument } from "../src/documents.js";
import { generateIssuerKeys, promoteNextKey, stageNextKey } from "../src/generate.js";
import { issuerUrl } from "../src/issuer-url.js";
import { importIssuerKeySet } from "../src/keyset.js";
import { createSiteIssuer } from "../src/mint.js";
import { siteIssuerSource } from "../src/source.js";
import { subjectFor } from "../src/subject.js";

const SITE = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A production-context issuer with fresh keys and the given clock. */
async function productionIssuer(now: () => number) {
  const { secret } = await generateIssuerKeys({ context: "production" });
  return createSiteIssuer({
    siteUrl: "https://x.example",
    siteId: SITE,
    context: "production",
    keys: await importIssuerKeySet(secret),
    now,
  });
}

async function configError(promise: Promise<unknown>): Promise<FederationError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FederationError);
  expect((err as FederationError).code).toBe("config");
  return err as FederationError;
}

describe("key set document", () => {
  it("imports an RS256 key as a non-extractable signing key and publishes only its public half", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const set = await importIssuerKeySet(secret);
    expect(set.signingKey.key.extractable).toBe(false);
    expect(set.signingKey.alg).toBe("RS256");
    expect(set.context).toBe("production");
    expect(Object.keys(set.publicKeys[0]!).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
  });

  it("accepts a PKCS#8 private key and ES256", async () => {
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
    ])) as CryptoKeyPair;
    const der = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
    const pkcs8 = btoa(String.fromCharCode(...der));
    const set = await importIssuerKeySet(
      JSON.stringify({ v: 1, context: "production", keys: [{ kid: "ec1", alg: "ES256", pkcs8 }] }),
    );
    expect(set.publicKeys[0]).toMatchObject({ kty: "EC", crv: "P-256", kid: "ec1", alg: "ES256" });
    expect(set.publicKeys[0]).not.toHaveProperty("d");
  });

  it("refuses missing, non-JSON and malformed documents with config errors that show no key material", async () => {
    const { secret, document } = await generateIssuerKeys({ context: "production" });
    expect((await configError(importIssuerKeySet(undefined))).message).toMatch(/not set/);
    expect((await configError(importIssuerKeySet("{nope"))).message).toMatch(/not valid JSON/);
    await configError(importIssuerKeySet(JSON.stringify({ v: 2, keys: [] })));
    const pub = {
      ...document.keys[0]!,
      d: undefined,
      p: undefined,
      q: undefined,
      dp: undefined,
      dq: undefined,
      qi: undefined,
    };
    const err = await configError(
      importIssuerKeySet(JSON.stringify({ v: 1, context: "production", keys: [pub] })),
    );
    expect(err.message).toMatch(/exactly one private/);
    const two = JSON.parse(secret);
    two.keys.push({ ...two.keys[0], kid: "other" });
    await configError(importIssuerKeySet(JSON.stringify(two)));
    const broken = JSON.parse(secret);
    broken.keys[0].n = JSON.parse((await generateIssuerKeys({ context: "production" })).secret).keys[0].n;
    const e2 = await configError(importIssuerKeySet(JSON.stringify(broken)));
    expect(e2.message).toMatch(/does not match|could not be imported/);
    expect(JSON.stringify(e2.toJSON())).not.toContain(JSON.parse(secret).keys[0].d);
  });

  it("refuses entries without a string kid of the allowed shape or with another alg, naming the entry", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const good = JSON.parse(secret).keys[0];
    const entries = [
      "not an object",
      null,
      { ...good, kid: 12345 },
      { ...good, kid: "has space" },
      { ...good, kid: undefined },
      { ...good, alg: "ES384" },
      { ...good, alg: "HS256" },
    ];
    for (const entry of entries) {
      const doc = { v: 1, context: "production", keys: [good, entry] };
      const error = await configError(importIssuerKeySet(JSON.stringify(doc)));
      expect(error.message).toContain("FEDKIT_ISSUER_KEYS.keys[1]");
      expect(JSON.stringify(error.toJSON())).not.toContain(good.d);
    }
  });

  it("refuses RSA keys under 2048 bits", async () => {
    const pair = (await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        hash: "SHA-256",
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
      },
      true,
      ["sign"],
    )) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    const doc = {
      v: 1,
      context: "production",
      keys: [{ ...jwk, kid: "small", alg: "RS256", key_ops: undefined }],
    };
    expect((await configError(importIssuerKeySet(JSON.stringify(doc)))).message).toMatch(/2048/);
  });

  it("refuses a modulus that is not base64 with a config error, not a TypeError (found by the fuzz suite)", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const doc = JSON.parse(secret) as { keys: Array<Record<string, string>> };
    for (const n of [`{${doc.keys[0]!["n"]}`, "not base64!", "%%%"]) {
      const keys = [{ ...doc.keys[0]!, n }];
      const error = await configError(importIssuerKeySet(JSON.stringify({ ...doc, keys })));
      expect(error.message).toMatch(/2048/);
      expect(JSON.stringify(error.toJSON())).not.toContain(doc.keys[0]!["d"]);
    }
  });
});

describe("the modulus is checked on its base64url text", () => {
  it("refuses standard base64, padding and whitespace in a published modulus; 342 characters (256 bytes) pass, 341 do not", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const doc = JSON.parse(secret) as { keys: Array<Record<string, string>> };
    const current = doc.keys[0]!;
    const published = (n: string) =>
      JSON.stringify({ ...doc, keys: [current, { kid: "old", alg: "RS256", kty: "RSA", e: "AQAB", n }] });
    const n = current["n"]!;
    expect(n).toHaveLength(342);
    await expect(importIssuerKeySet(published(n))).resolves.toBeDefined();
    for (const bad of [n.slice(1), `${n.slice(0, 340)}+/`, `${n}==`, `${n.slice(0, 171)} ${n.slice(171)}`]) {
      const error = await configError(importIssuerKeySet(published(bad)));
      expect(error.message).toBe("FEDKIT_ISSUER_KEYS key old must be an RSA JWK of 2048 bits or more.");
      expect(error.hint).toContain("fedkit keys generate");
    }
  });

  it("a key set that is not JSON is refused without the parser's error, which may quote the secret text", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const broken = secret.slice(0, -1);
    const error = await configError(importIssuerKeySet(broken));
    expect(error.message).toBe("FEDKIT_ISSUER_KEYS is not valid JSON.");
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify(error.toJSON())).not.toContain(JSON.parse(secret).keys[0].d.slice(-20));
  });
});

describe("subjects and issuer URLs", () => {
  it("builds both subject forms and enforces the grammar", () => {
    expect(subjectFor({ siteId: SITE, context: "production", functionName: "report" })).toBe(
      `site:${SITE}:context:production:function:report`,
    );
    expect(subjectFor({ siteId: SITE, context: "deploy-preview" }, "site")).toBe(
      `site:${SITE}:context:deploy-preview`,
    );
    expect(() => subjectFor({ siteId: SITE, context: "production", functionName: "a:b" })).toThrow(
      FederationError,
    );
    expect(() => subjectFor({ siteId: SITE, context: "production", functionName: "x*" })).toThrow(
      FederationError,
    );
    expect(() => subjectFor({ siteId: SITE, context: "production", functionName: "f".repeat(80) })).toThrow(
      /127 bytes/,
    );
  });

  it("takes the issuer from configuration: https origins, http only on loopback", () => {
    expect(issuerUrl("https://reports.example.com", "production")).toBe(
      "https://reports.example.com/oidc/production",
    );
    expect(issuerUrl("http://127.0.0.1:8888", "production")).toBe("http://127.0.0.1:8888/oidc/production");
    expect(() => issuerUrl("http://reports.example.com", "production")).toThrow(/https/);
    expect(() => issuerUrl("https://reports.example.com/app", "production")).toThrow(/origin/);
    expect(() => issuerUrl("https://reports.example.com:8443", "production")).toThrow(/origin/);
    expect(() => issuerUrl("https://reports.example.com", "Prod/../x")).toThrow(FederationError);
  });
});

describe("minting", () => {
  it("mints a single-audience RS256 token that verifies against the published JWKS", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    const keys = await importIssuerKeySet(secret);
    const issuer = createSiteIssuer({
      siteUrl: "https://reports.example.com",
      siteId: SITE,
      context: "production",
      keys,
      deployId: "d1",
      now: () => NOW,
    });
    const token = await issuer.mint({
      audience: "sts.amazonaws.com",
      functionName: "report",
      claims: { "https://cloud.example/tags": { team: ["reports"] } },
    });
    expect(token.trust).toBe("minted");
    const { payload, protectedHeader } = await jwtVerify(
      token.raw,
      createLocalJWKSet(jwksDocument(keys.publicKeys)),
      {
        issuer: "https://reports.example.com/oidc/production",
        audience: "sts.amazonaws.com",
        currentDate: new Date(NOW),
      },
    );
    expect(protectedHeader).toMatchObject({ alg: "RS256", kid: keys.signingKey.kid, typ: "JWT" });
    expect(payload).toMatchObject({
      sub: `site:${SITE}:context:production:function:report`,
      aud: "sts.amazonaws.com",
      iat: NOW / 1000,
      nbf: NOW / 1000 - 60,
      exp: NOW / 1000 + 300,
      site_id: SITE,
      deploy_id: "d1",
      context: "production",
      function: "report",
      "https://cloud.example/tags": { team: ["reports"] },
    });
    expect(payload.jti).toMatch(/^[\w-]{22}$/);
    const again = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
    expect(again.claims.jti).not.toBe(payload.jti);
  });

  it("signs ES256 too, and refuses lifetimes over five minutes, reserved claims and issuer-set claims", async () => {
    const { secret } = await generateIssuerKeys({ context: "production", alg: "ES256" });
    const keys = await importIssuerKeySet(secret);
    const issuer = createSiteIssuer({
      siteUrl: "https://x.example",
      siteId: SITE,
      context: "production",
      keys,
      now: () => NOW,
    });
    const token = await issuer.mint({ audience: "aud", subjectForm: "site" });
    const { payload } = await jwtVerify(token.raw, createLocalJWKSet(jwksDocument(keys.publicKeys)), {
      currentDate: new Date(NOW),
    });
    expect(payload.sub).toBe(`site:${SITE}:context:production`);
    await expect(issuer.mint({ audience: "aud", subjectForm: "site", lifetimeSeconds: 301 })).rejects.toThrow(
      /out of range/,
    );
    await expect(issuer.mint({ audience: "aud", subjectForm: "site", claims: { sub: "x" } })).rejects.toThrow(
      TypeError,
    );
    await expect(
      issuer.mint({ audience: "aud", subjectForm: "site", claims: { context: "production" } }),
    ).rejects.toThrow(/set by the issuer/);
    for (const claim of ISSUER_SET_CLAIMS) {
      await expect(
        issuer.mint({ audience: "aud", subjectForm: "site", claims: { [claim]: "x" } }),
        claim,
      ).rejects.toThrow(`mint(): claim "${claim}" is set by the issuer.`);
    }
    const extra = await issuer.mint({ audience: "aud", subjectForm: "site", claims: { tenant: "t1" } });
    expect(extra.claims["tenant"]).toBe("t1");
    expect(() =>
      createSiteIssuer({
        siteUrl: "https://x.example",
        siteId: SITE,
        context: "production",
        keys,
        lifetimeSeconds: 3600,
      }),
    ).toThrow(FederationError);
  });

  it("the source reuses a token per audience until half its lifetime, then mints again", async () => {
    let now = NOW;
    const issuer = await productionIssuer(() => now);
    const source = siteIssuerSource(issuer, { functionName: "report" });
    const first = await source.getToken({ audience: "a", now: () => now });
    expect((await source.getToken({ audience: "a", now: () => now })).raw).toBe(first.raw);
    expect((await source.getToken({ audience: "b", now: () => now })).claims.aud).toBe("b");
    now += 151_000;
    expect((await source.getToken({ audience: "a", now: () => now })).raw).not.toBe(first.raw);
  });
  it("peek serves only the token minted for that audience, only while getToken would still reuse it", async () => {
    let now = NOW;
    const issuer = await productionIssuer(() => now);
    const source = siteIssuerSource(issuer, { functionName: "report" });
    // Nothing minted yet: the engine must take getToken (which mints), never a token of nowhere.
    expect(source.peek?.("a", now)).toBeUndefined();
    const a = await source.getToken({ audience: "a", now: () => now });
    expect(source.peek?.("a", now)).toBe(a);
    // Another audience never gets a's token (the cloud would refuse it, or worse accept it for the wrong target).
    expect(source.peek?.("b", now)).toBeUndefined();
    const b = await source.getToken({ audience: "b", now: () => now });
    expect(source.peek?.("b", now)?.claims.aud).toBe("b");
    expect(source.peek?.("a", now)).toBe(a);
    expect(b).not.toBe(a);
    // At half the lifetime peek stops serving it, exactly where getToken mints a new one.
    expect(source.peek?.("a", NOW + 149_999)).toBe(a);
    expect(source.peek?.("a", NOW + 150_000)).toBeUndefined();
    now = NOW + 150_000;
    const renewed = await source.getToken({ audience: "a", now: () => now });
    expect(renewed.raw).not.toBe(a.raw);
    expect(source.peek?.("a", now)).toBe(renewed);
  });
  it("1,000 concurrent cold callers share one mint per audience; a failed mint is retried by the next caller", async () => {
    const issuer = await productionIssuer(() => NOW);
    let mints = 0;
    let fail = false;
    const counting = {
      ...issuer,
      mint: (request: Parameters<typeof issuer.mint>[0]) => {
        mints += 1;
        if (fail) return Promise.reject(new Error("signing key unavailable"));
        return issuer.mint(request);
      },
    };
    const source = siteIssuerSource(counting, { functionName: "report" });
    const tokens = await Promise.all(
      Array.from({ length: 1000 }, () => source.getToken({ audience: "a", now: () => NOW })),
    );
    expect(mints).toBe(1);
    expect(new Set(tokens.map((t) => t.raw)).size).toBe(1);
    await Promise.all([
      source.getToken({ audience: "b", now: () => NOW }),
      source.getToken({ audience: "b", now: () => NOW }),
    ]);
    expect(mints).toBe(2);

    fail = true;
    const failed = await Promise.allSettled([
      source.getToken({ audience: "c", now: () => NOW }),
      source.getToken({ audience: "c", now: () => NOW }),
    ]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(mints).toBe(3);
    fail = false;
    expect((await source.getToken({ audience: "c", now: () => NOW })).claims.aud).toBe("c");
    expect(mints).toBe(4);
  });
});

describe("discovery and rotation documents", () => {
  it("discovery names the issuer, JWKS URI and algorithms; rotation stages then promotes", async () => {
    const issuer = "https://x.example/oidc/production";
    expect(discoveryDocument(issuer, ["RS256", "RS256"])).toMatchObject({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ["RS256"],
      subject_types_supported: ["public"],
      response_types_supported: ["id_token"],
    });
    const a = await generateIssuerKeys({ context: "production", kid: "a" });
    const b = await generateIssuerKeys({ context: "production", kid: "b" });
    const staged = await importIssuerKeySet(JSON.stringify(stageNextKey(a.document, b.publicJwk)));
    expect(staged.signingKey.kid).toBe("a");
    expect(staged.publicKeys.map((k) => k.kid)).toEqual(["a", "b"]);
    const promoted = await importIssuerKeySet(JSON.stringify(promoteNextKey(a.document, b.document)));
    expect(promoted.signingKey.kid).toBe("b");
    expect(promoted.publicKeys.map((k) => k.kid)).toEqual(["b", "a"]);
  });
});
