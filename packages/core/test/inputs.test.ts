// Inputs that must be refused (issue 9 §4): tokens without exp, tokens older than maxTokenAge, oversized tokens
// and key sets, and claims named like Object.prototype members. Each test plays the input an attacker controls.
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  callbackToken,
  createFederation,
  envToken,
  FederationError,
  requestBearerToken,
  staticToken,
  type TokenTrust,
  verifySubjectToken,
} from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { fileToken } from "@fedkit/core/node";
import {
  decodeSubjectToken,
  deriveCacheKey,
  MAX_JWKS_BYTES,
  MAX_SUBJECT_TOKEN_LENGTH,
  summarizeSubject,
} from "@fedkit/core/provider";
import { createTestSigner } from "@fedkit/core/testing";
import { describe, expect, it } from "vitest";
import { fakeProvider, rawJwt } from "./helpers.js";

const AUD = "sts.amazonaws.com";
const request = { audience: AUD, now: () => Date.now() };
const bearer = (raw: string) =>
  new Request("https://site.example/", { headers: { authorization: `Bearer ${raw}` } });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as FederationError,
  );
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** A compact JWS whose payload is exactly `payload` (a JSON text), so keys like __proto__ survive as written. */
const withPayload = (payload: string) =>
  `${b64({ alg: "RS256", typ: "JWT" })}.${Buffer.from(payload).toString("base64url")}.c2ln`;

describe("a token without exp is never exchanged nor served cached credentials", async () => {
  const idp = await createTestSigner();
  const options = { jwks: idp.jwks, issuer: idp.issuer, audience: AUD };

  it("verifySubjectToken and requestBearerToken refuse a correctly signed token that has no exp", async () => {
    const raw = await idp.sign({ sub: "forever", aud: AUD, exp: undefined });
    expect(decodeSubjectToken(raw).claims.exp).toBeUndefined();
    const direct = await failure(verifySubjectToken(raw, options));
    expect(direct?.code).toBe("invalid_subject_token");
    expect(direct?.message).toMatch(/no exp claim/);
    const viaRequest = await failure(requestBearerToken(bearer(raw), options).getToken(request));
    expect(viaRequest?.code).toBe("invalid_subject_token");
  });

  it.each<TokenTrust>(["verified", "minted", "unverified"])(
    "the engine refuses a %s token without exp, even when a token of the same identity has cached credentials",
    async (trust) => {
      const provider = fakeProvider();
      const federation = createFederation({ audit: memoryAudit() });
      const claims = { iss: "https://idp.example", sub: "victim", aud: AUD };
      const withExp = decodeSubjectToken(rawJwt(claims), trust);
      await federation.getCredentials(provider, { source: staticToken(withExp) });
      expect(provider.calls).toBe(1);
      // Same identity claims, no exp: a claims-keyed lookup would find the credentials above.
      const noExp = decodeSubjectToken(rawJwt({ ...claims, exp: undefined }), trust);
      expect(noExp.claims.exp).toBeUndefined();
      const error = await failure(federation.getCredentials(provider, { source: staticToken(noExp) }));
      expect(error?.code).toBe("invalid_subject_token");
      expect(error?.message).toMatch(/no numeric exp/);
      expect(provider.calls).toBe(1);
    },
  );

  it("a non-numeric exp counts as no exp", async () => {
    const provider = fakeProvider();
    const federation = createFederation({ audit: memoryAudit() });
    const token = decodeSubjectToken(rawJwt({ sub: "s", aud: AUD, exp: "9999999999" }), "minted");
    const error = await failure(federation.getCredentials(provider, { source: staticToken(token) }));
    expect(error?.code).toBe("invalid_subject_token");
    expect(provider.calls).toBe(0);
  });
});

describe("maxTokenAge (verified sources)", async () => {
  const idp = await createTestSigner();
  const nowS = Math.floor(Date.now() / 1000);
  const options = { jwks: idp.jwks, issuer: idp.issuer, audience: AUD, maxTokenAge: 300 };

  it("refuses a token issued longer ago than maxTokenAge although its exp is still ahead", async () => {
    const old = await idp.sign({ sub: "s", aud: AUD, iat: nowS - 3600, exp: nowS + 3600 });
    await expect(verifySubjectToken(old, { ...options, maxTokenAge: undefined })).resolves.toBeDefined();
    const error = await failure(verifySubjectToken(old, options));
    expect(error?.code).toBe("expired_subject_token");
    expect(error?.message).toMatch(/older than maxTokenAge/);
    const viaRequest = await failure(requestBearerToken(bearer(old), options).getToken(request));
    expect(viaRequest?.code).toBe("expired_subject_token");
  });

  it("refuses a token without iat when maxTokenAge is set, accepts a fresh one", async () => {
    const noIat = await idp.sign({ sub: "s", aud: AUD, iat: undefined });
    const error = await failure(verifySubjectToken(noIat, options));
    expect(error?.code).toBe("invalid_subject_token");
    expect(error?.message).toMatch(/no iat claim/);
    const fresh = await idp.sign({ sub: "s", aud: AUD, iat: nowS - 10 });
    expect((await verifySubjectToken(fresh, options)).trust).toBe("verified");
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, "300"])(
    "refuses maxTokenAge %s as a bad argument",
    async (maxTokenAge) => {
      const raw = await idp.sign({ sub: "s", aud: AUD });
      const bad = { ...options, maxTokenAge } as unknown as typeof options;
      await expect(verifySubjectToken(raw, bad)).rejects.toThrow(/maxTokenAge must be a positive number/);
      expect(() => requestBearerToken(bearer(raw), bad)).toThrow(TypeError);
    },
  );
});

describe("oversized subject tokens are refused before they are parsed", () => {
  const huge = `${b64({ alg: "RS256" })}.${"A".repeat(5 * 1024 * 1024)}.sig`;

  it("decodeSubjectToken, envToken, callbackToken, requestBearerToken refuse a 5 MB token", async () => {
    const errors = [
      await failure(Promise.resolve().then(() => decodeSubjectToken(huge))),
      await failure(envToken("T", { env: () => ({ T: huge }) }).getToken(request)),
      await failure(callbackToken(() => huge).getToken(request)),
      await failure(
        requestBearerToken(bearer(huge), { jwks: { keys: [] }, issuer: "i", audience: AUD }).getToken(
          request,
        ),
      ),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(FederationError);
      expect(error?.code).toBe("invalid_subject_token");
      expect(error?.message).toContain(`over ${MAX_SUBJECT_TOKEN_LENGTH} characters`);
      expect(error?.message).not.toContain("AAAAAAAA");
    }
  });

  it("the engine refuses an oversized SubjectToken a callback built itself (no decoding, no cap) before hashing it", async () => {
    const provider = fakeProvider();
    const federation = createFederation({ audit: memoryAudit() });
    const built = { ...decodeSubjectToken(rawJwt({ sub: "s", aud: AUD })), raw: huge };
    const error = await failure(federation.getCredentials(provider, { source: callbackToken(() => built) }));
    expect(error?.code).toBe("invalid_subject_token");
    expect(error?.message).toContain(`over ${MAX_SUBJECT_TOKEN_LENGTH} characters`);
    expect(provider.calls).toBe(0);
  });

  it("accepts a token right at the limit (the cap is not off by one)", () => {
    const head = `${b64({ alg: "RS256" })}.${b64({ sub: "s", pad: "" })}.`;
    const raw = head + "s".repeat(MAX_SUBJECT_TOKEN_LENGTH - head.length);
    expect(raw.length).toBe(MAX_SUBJECT_TOKEN_LENGTH);
    expect(decodeSubjectToken(raw).claims.sub).toBe("s");
    expect(() => decodeSubjectToken(`${raw}s`)).toThrow(/over 16384 characters/);
  });

  it("fileToken stops reading a 5 MB token file at the cap", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fedkit-big-"));
    try {
      const path = join(dir, "token");
      await writeFile(path, huge);
      const error = await failure(fileToken(path).getToken(request));
      expect(error?.code).toBe("invalid_subject_token");
      // The count shows how much was read: the cap plus slack plus one byte, not 5 MB.
      expect(error?.message).toMatch(/\((\d{5}) seen\)/);
      expect(Number(/\((\d+) seen\)/.exec(error?.message ?? "")?.[1])).toBeLessThan(
        MAX_SUBJECT_TOKEN_LENGTH * 2,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("remote JWKS answers: oversized ones are refused while they stream, redirects are never followed", async () => {
  const idp = await createTestSigner();
  const raw = await idp.sign({ sub: "s", aud: AUD });

  /** A fetch answering 64 MiB of JSON-ish bytes, counting what the reader pulled. */
  function hugeJwks(declareLength: boolean) {
    let pulled = 0;
    const chunk = new TextEncoder().encode(" ".repeat(65_536));
    const total = 64 * 1024 * 1024;
    const fetch = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            if (pulled >= total) return controller.close();
            pulled += chunk.byteLength;
            controller.enqueue(chunk);
          },
        }),
        { status: 200, headers: declareLength ? { "content-length": String(total) } : {} },
      );
    return { fetch, pulled: () => pulled };
  }

  it.each([true, false])(
    "a 64 MiB JWKS (content-length declared: %s) is refused with bad_response after at most the cap",
    async (declared) => {
      const server = hugeJwks(declared);
      const options = {
        jwks: "https://idp.example/jwks",
        issuer: idp.issuer,
        audience: AUD,
        fetch: server.fetch,
      };
      const error = await failure(verifySubjectToken(raw, options));
      expect(error?.code).toBe("bad_response");
      expect(error?.message).toMatch(/larger than 131072 bytes/);
      expect(server.pulled()).toBeLessThanOrEqual(MAX_JWKS_BYTES + 2 * 65_536);
      const viaRequest = await failure(requestBearerToken(bearer(raw), options).getToken(request));
      expect(viaRequest?.code).toBe("bad_response");
    },
  );

  it.each([301, 302, 303, 307, 308])(
    "a JWKS answered with a %i redirect is refused, sent with redirect: manual, and the Location is never fetched",
    async (status) => {
      const seen: { url: string; redirect: RequestRedirect | undefined }[] = [];
      const fetch = async (url: string, init?: RequestInit) => {
        seen.push({ url, redirect: init?.redirect });
        if (url.startsWith("https://attacker.example/")) return new Response(JSON.stringify(idp.jwks));
        return new Response(null, { status, headers: { location: "https://attacker.example/jwks" } });
      };
      const error = await failure(
        verifySubjectToken(raw, {
          jwks: "https://idp.example/jwks",
          issuer: idp.issuer,
          audience: AUD,
          fetch,
        }),
      );
      expect(error?.code).toBe("bad_response");
      expect(error?.message).toMatch(new RegExp(`redirect \\(HTTP ${status}\\)`));
      expect(seen).toEqual([{ url: "https://idp.example/jwks", redirect: "manual" }]);
    },
  );

  it("a JWKS answer a transport followed on its own (redirected) is refused", async () => {
    const fetch = async () => {
      const followed = new Response(JSON.stringify(idp.jwks), { status: 200 });
      Object.defineProperty(followed, "redirected", { value: true });
      return followed;
    };
    const error = await failure(
      verifySubjectToken(raw, {
        jwks: "https://idp.example/jwks-followed",
        issuer: idp.issuer,
        audience: AUD,
        fetch,
      }),
    );
    expect(error?.code).toBe("bad_response");
  });

  it("a JWKS under the cap still verifies", async () => {
    const body = JSON.stringify(idp.jwks);
    const fetch = async () => new Response(body, { status: 200 });
    const token = await verifySubjectToken(raw, {
      jwks: "https://idp.example/jwks",
      issuer: idp.issuer,
      audience: AUD,
      fetch,
    });
    expect(token.trust).toBe("verified");
  });
});

describe("claims named like Object.prototype members", () => {
  const provider = { cloud: "aws", key: "role=reader" };
  const key = (payload: string, trust: TokenTrust = "verified") =>
    deriveCacheKey(provider, decodeSubjectToken(withPayload(payload), trust));
  const base = `"iss":"https://idp.example","sub":"s","aud":"${AUD}","exp":9999999999`;

  it("the key is the documented hash: SHA-256 of [scheme, cloud, provider key, sorted non-temporal claims]", async () => {
    const payload = `{"sub":"s","jti":"j1","iat":1,"nbf":1,"org":{"z":1,"__proto__":{"role":"admin"},"a":[{"y":2,"x":1}]},${base.replace('"sub":"s",', "")}}`;
    const claims = `{"aud":"${AUD}","iss":"https://idp.example","org":{"__proto__":{"role":"admin"},"a":[{"x":1,"y":2}],"z":1},"sub":"s"}`;
    const expected = (trust: string) =>
      `fedkit:v1:${createHash("sha256")
        .update(JSON.stringify(["fedkit/cache-key/v1", "aws", "role=reader", `claims:${trust}:${claims}`]))
        .digest("hex")}`;
    expect(await key(payload)).toBe(expected("verified"));
    expect(await key(payload, "minted")).toBe(expected("minted"));
    // An unverified token is keyed by its raw text's hash, whatever its claims say.
    const raw = withPayload(payload);
    const rawHash = createHash("sha256").update(raw).digest("hex");
    expect(await deriveCacheKey(provider, decodeSubjectToken(raw))).toBe(
      `fedkit:v1:${createHash("sha256")
        .update(JSON.stringify(["fedkit/cache-key/v1", "aws", "role=reader", `raw:${rawHash}`]))
        .digest("hex")}`,
    );
  });

  it.each([
    ['"__proto__":{"role":"admin"}', '"__proto__":{"role":"reader"}'],
    ['"__proto__":{"role":"admin"}', ""],
    ['"org":{"__proto__":{"role":"admin"}}', '"org":{"__proto__":{"role":"reader"}}'],
    ['"org":{"__proto__":{"role":"admin"}}', '"org":{}'],
    ['"constructor":"a"', '"constructor":"b"'],
    ['"constructor":{"prototype":{"x":1}}', ""],
    ['"toString":"a"', ""],
    ['"org":{"toString":"a","constructor":"b"}', '"org":{}'],
  ])("tokens differing only in %s vs {%s} get different cache keys", async (one, two) => {
    const a = await key(`{${base},${one}}`);
    const b = await key(`{${base}${two === "" ? "" : `,${two}`}}`);
    expect(a).not.toBe(b);
    // Deterministic: the same claims give the same key.
    expect(await key(`{${base},${one}}`)).toBe(a);
  });

  it("through verifySubjectToken too: signed tokens differing only in a __proto__ claim get different keys", async () => {
    const idp = await createTestSigner();
    const options = { jwks: idp.jwks, issuer: idp.issuer, audience: AUD };
    // A computed key makes "__proto__" an own property, so the signer serialises it as a claim.
    const admin = await idp.sign({ sub: "s", aud: AUD, ["__proto__"]: { role: "admin" } });
    const plain = await idp.sign({ sub: "s", aud: AUD });
    const a = await verifySubjectToken(admin, options);
    const b = await verifySubjectToken(plain, options);
    expect(Object.hasOwn(a.claims, "__proto__")).toBe(true);
    expect(await deriveCacheKey(provider, a)).not.toBe(await deriveCacheKey(provider, b));
  });

  it("decoding and keying hostile claims pollute no prototype, and the claims are own properties only", async () => {
    const payload = `{${base},"__proto__":{"polluted":"yes"},"org":{"__proto__":{"polluted":"yes"}},"constructor":{"prototype":{"polluted":"yes"}}}`;
    for (const trust of ["verified", "minted", "unverified"] as const) {
      const token = decodeSubjectToken(withPayload(payload), trust);
      await deriveCacheKey(provider, token);
      summarizeSubject(token);
      // Copies a caller might make of the claims.
      const copies = [{ ...token.claims }, Object.assign({}, token.claims), structuredClone(token.claims)];
      expect(copies.length).toBe(3);
      expect(Object.hasOwn(token.claims, "__proto__")).toBe(true);
      expect(Object.getPrototypeOf(token.claims)).toBeNull();
      expect(Object.getPrototypeOf(token.claims["org"])).toBeNull();
      // A claim lookup finds only what the token carries, nothing inherited.
      expect(token.claims["toString"]).toBeUndefined();
      expect((token.claims["org"] as Record<string, unknown>)["polluted"]).toBeUndefined();
    }
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
