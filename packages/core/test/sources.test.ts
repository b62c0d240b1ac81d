import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  chainSources,
  envToken,
  FederationError,
  MissingSubjectTokenError,
  requestBearerToken,
  staticToken,
  verifySubjectToken,
} from "@fedkit/core";
import { fileToken } from "@fedkit/core/node";
import { createTestSigner } from "@fedkit/core/testing";
import { describe, expect, it } from "vitest";

const request = { audience: "sts.amazonaws.com", now: () => Date.now() };
const bearer = (raw: string) =>
  new Request("https://site.example/", { headers: { authorization: `Bearer ${raw}` } });

describe("verifySubjectToken / requestBearerToken", async () => {
  const idp = await createTestSigner();
  const options = { jwks: idp.jwks, issuer: idp.issuer, audience: "sts.amazonaws.com" };

  it.each([
    ["issuer", { issuer: undefined }],
    ["issuer", { issuer: "" }],
    ["issuer", { issuer: [] }],
    ["audience", { audience: undefined }],
    ["audience", { audience: ["ok", ""] }],
  ])("refuses to verify without an explicit %s (jose would skip that check)", async (field, override) => {
    const raw = await idp.sign({ sub: "a", aud: "sts.amazonaws.com" });
    const loose = { ...options, ...override } as unknown as typeof options;
    await expect(verifySubjectToken(raw, loose)).rejects.toThrow(new RegExp(`options\\.${field} must be`));
    expect(() => requestBearerToken(bearer(raw), loose)).toThrow(TypeError);
  });

  it("marks a verified token as verified", async () => {
    const token = await verifySubjectToken(await idp.sign({ sub: "a", aud: "sts.amazonaws.com" }), options);
    expect(token.trust).toBe("verified");
  });

  it.each([
    [
      "a wrong signing key",
      async () => (await createTestSigner(idp.issuer)).sign({ aud: "sts.amazonaws.com" }),
      "invalid_subject_token",
    ],
    [
      "an expired token",
      () => idp.sign({ aud: "sts.amazonaws.com", exp: Math.floor(Date.now() / 1000) - 600 }),
      "expired_subject_token",
    ],
    ["another audience", () => idp.sign({ aud: "api://other" }), "audience_mismatch"],
    [
      "another issuer",
      () => idp.sign({ aud: "sts.amazonaws.com", iss: "https://evil.example" }),
      "issuer_untrusted",
    ],
  ] as const)("refuses %s with a stable code", async (_name, make, code) => {
    const raw = await make();
    const error = await verifySubjectToken(raw, options).catch((e: unknown) => e);
    expect((error as FederationError).code).toBe(code);
    expect(JSON.stringify((error as FederationError).toJSON())).not.toContain(raw);
  });

  it("treats a missing Authorization header as missing, so a chain falls through", async () => {
    const chain = chainSources(
      requestBearerToken(new Request("https://x.example/"), options),
      staticToken(await idp.sign({ aud: "sts.amazonaws.com" })),
    );
    expect((await chain.getToken(request)).trust).toBe("unverified");
  });

  it("never falls through from a present-but-bad bearer token to the next source", async () => {
    const forged = await (await createTestSigner(idp.issuer)).sign({ aud: "sts.amazonaws.com" });
    const chain = chainSources(
      requestBearerToken(bearer(forged), options),
      staticToken(await idp.sign({ aud: "sts.amazonaws.com" })),
    );
    const error = await chain.getToken(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationError);
    expect(error).not.toBeInstanceOf(MissingSubjectTokenError);
  });
});

describe("remote JWKS failures", () => {
  it("maps a JWKS endpoint that answers 500 to provider_unavailable, and garbage to bad_response", async () => {
    const { loopback } = await import("./helpers.js");
    const idp = await createTestSigner();
    const raw = await idp.sign({ aud: "sts.amazonaws.com" });
    const down = await loopback((_req, res) => res.writeHead(500).end("oops"));
    const junk = await loopback((_req, res) =>
      res.writeHead(200, { "content-type": "application/json" }).end('{"nokeys":1}'),
    );
    try {
      const opts = {
        issuer: idp.issuer,
        audience: "sts.amazonaws.com",
        fetch: (i: string, init: RequestInit) => fetch(i, init),
      };
      const e1 = (await verifySubjectToken(raw, { ...opts, jwks: `${down.origin}/jwks` }).catch(
        (e: unknown) => e,
      )) as FederationError;
      expect(e1.code).toBe("provider_unavailable");
      const e2 = (await verifySubjectToken(raw, { ...opts, jwks: `${junk.origin}/jwks` }).catch(
        (e: unknown) => e,
      )) as FederationError;
      expect(e2.code).toBe("bad_response");
    } finally {
      await down.close();
      await junk.close();
    }
  });

  it("refuses a plain-http JWKS URL that is not loopback", async () => {
    const idp = await createTestSigner();
    const raw = await idp.sign({ aud: "sts.amazonaws.com" });
    await expect(
      verifySubjectToken(raw, {
        jwks: "http://idp.example/jwks",
        issuer: idp.issuer,
        audience: "sts.amazonaws.com",
      }),
    ).rejects.toThrow(TypeError);
  });
});

describe("envToken / chainSources / fileToken", () => {
  it("re-reads the variable on each call and keeps the token object while unchanged", async () => {
    const env: Record<string, string | undefined> = {};
    const source = envToken("OIDC", { env: () => env });
    expect(await source.getToken(request).catch((e: unknown) => e)).toBeInstanceOf(MissingSubjectTokenError);
    const idp = await createTestSigner();
    env["OIDC"] = await idp.sign({ sub: "one" });
    const first = await source.getToken(request);
    expect(await source.getToken(request)).toBe(first);
    env["OIDC"] = await idp.sign({ sub: "two" });
    expect((await source.getToken(request)).claims.sub).toBe("two");
  });

  it("a chain with no token anywhere says which sources it tried", async () => {
    const chain = chainSources(envToken("A", { env: () => ({}) }), envToken("B", { env: () => ({}) }));
    const error = (await chain.getToken(request).catch((e: unknown) => e)) as FederationError;
    expect(error.code).toBe("invalid_subject_token");
    expect(error.message).toContain("env:A, env:B");
  });

  it("fileToken re-reads a rotated file and reports a missing one as missing", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fedkit-"));
    try {
      const path = join(dir, "token");
      const source = fileToken(path);
      expect(await source.getToken(request).catch((e: unknown) => e)).toBeInstanceOf(
        MissingSubjectTokenError,
      );
      const idp = await createTestSigner();
      await writeFile(path, await idp.sign({ sub: "first" }));
      expect((await source.getToken(request)).claims.sub).toBe("first");
      await writeFile(path, await idp.sign({ sub: "rotated" }));
      expect((await source.getToken(request)).claims.sub).toBe("rotated");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("staticToken refuses something that is not a JWT without echoing it", async () => {
    const error = (await staticToken("not-a-jwt-secret-value")
      .getToken(request)
      .catch((e: unknown) => e)) as FederationError;
    expect(error.code).toBe("invalid_subject_token");
    expect(JSON.stringify(error.toJSON())).not.toContain("not-a-jwt-secret-value");
  });
});
