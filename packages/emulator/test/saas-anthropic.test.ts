/// <reference types="node" />
/**
 * The Anthropic preset, as its WIF reference documents POST /v1/oauth/token: JSON jwt-bearer grant naming a
 * federation rule and the organization; 30 s skew; exp - iat capped by the issuer's max_jwt_lifetime_seconds
 * (1 h default); jti single-use per issuer unless check_jti is off; keys from discovery or inline; every
 * invalid_grant consolidated into one message; the minted token works only on this service's echo API.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSaasService, type Emulator, GRANT_JWT_BEARER, saasStateOf, startEmulator } from "../src/index.js";
import { testClock } from "./aws-fixture.js";
import { foreignSigner, postForm, postJson } from "./saas-support.js";

const ORG = "00000000-0000-0000-0000-000000000001";
const AUD = "https://api.anthropic.com";
const clock = testClock();
let emulator: Emulator;
let base: string;

const grant = (assertion: string, extra: Record<string, string> = {}) => ({
  grant_type: GRANT_JWT_BEARER,
  assertion,
  federation_rule_id: "fdrl_ci",
  organization_id: ORG,
  ...extra,
});
const mint = (
  sub = "repo:acme/app:ref:refs/heads/main",
  options: { ttlSeconds?: number; claims?: Record<string, unknown> } = {},
) => emulator.idp.mint({ sub, aud: AUD, ...options });

beforeAll(async () => {
  emulator = await startEmulator({ saas: {} }, { now: clock.now });
  base = addSaasService(emulator, {
    name: "anthropic",
    preset: "anthropic",
    organizationId: ORG,
    issuers: [{ issuer: emulator.idp.issuer }],
    bindings: [
      {
        id: "fdrl_ci",
        issuer: emulator.idp.issuer,
        subjectPrefix: "repo:acme/",
        audience: AUD,
        scope: "workspace:inference",
      },
    ],
  });
});
afterAll(() => emulator.stop());

describe("anthropic token endpoint", () => {
  it("mints an sk-ant-oat01- bearer for a matching JSON jwt-bearer grant, and the echo API accepts it", async () => {
    const { status, body } = await postJson(`${base}/v1/oauth/token`, grant(await mint()));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "workspace:inference" });
    expect(body["access_token"]).toMatch(/^sk-ant-oat01-/);
    const reply = await postJson(
      `${base}/v1/messages`,
      { model: "claude-x", max_tokens: 5, messages: [{ role: "user", content: "hi" }] },
      {
        authorization: `Bearer ${body["access_token"]}`,
      },
    );
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ type: "message", content: [{ type: "text", text: "echo: hi" }] });
    expect(reply.body["emulator"]).toMatchObject({
      binding: "fdrl_ci",
      subject: "repo:acme/app:ref:refs/heads/main",
    });
  });

  it("refuses a form-encoded body (Anthropic takes JSON) with invalid_request", async () => {
    const { status, body } = await postForm(`${base}/v1/oauth/token`, grant(await mint()));
    expect([status, body["error"]]).toEqual([400, "invalid_request"]);
  });

  it("refuses a replayed jti from the same issuer, with the consolidated message; the cause stays server-side", async () => {
    const token = await mint();
    expect((await postJson(`${base}/v1/oauth/token`, grant(token))).status).toBe(200);
    const replay = await postJson(`${base}/v1/oauth/token`, grant(token));
    expect(replay).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "The token was not accepted." },
    });
    const refusal = saasStateOf(emulator).refusals.at(-1)!;
    expect(refusal.cause).toContain("jti");
    expect(JSON.stringify(saasStateOf(emulator).refusals)).not.toContain(token);
  });

  it("accepts a replayed jti when the issuer's check_jti is off", async () => {
    const relaxed = addSaasService(emulator, {
      name: "anthropic-nojti",
      preset: "anthropic",
      organizationId: ORG,
      issuers: [{ issuer: emulator.idp.issuer, checkJti: false }],
      bindings: [{ id: "fdrl_ci", issuer: emulator.idp.issuer, subjectPrefix: "repo:acme/" }],
    });
    const token = await mint();
    expect((await postJson(`${relaxed}/v1/oauth/token`, grant(token))).status).toBe(200);
    expect((await postJson(`${relaxed}/v1/oauth/token`, grant(token))).status).toBe(200);
  });

  it("caps exp - iat at the issuer's maximum (1 h by default), and honours a configured larger one", async () => {
    const long = await mint(undefined, { ttlSeconds: 3601 });
    expect((await postJson(`${base}/v1/oauth/token`, grant(long))).status).toBe(400);
    expect(saasStateOf(emulator).refusals.at(-1)!.cause).toContain("exp - iat");
    const wide = addSaasService(emulator, {
      name: "anthropic-wide",
      preset: "anthropic",
      organizationId: ORG,
      issuers: [{ issuer: emulator.idp.issuer, maxLifetimeSeconds: 7200 }],
      bindings: [{ id: "fdrl_ci", issuer: emulator.idp.issuer, subjectPrefix: "repo:acme/" }],
    });
    expect(
      (await postJson(`${wide}/v1/oauth/token`, grant(await mint(undefined, { ttlSeconds: 7200 })))).status,
    ).toBe(200);
  });

  it("refuses an assertion over 16 KiB with invalid_request", async () => {
    const huge = await mint(undefined, { claims: { pad: "x".repeat(16 * 1024) } });
    const { status, body } = await postJson(`${base}/v1/oauth/token`, grant(huge));
    expect([status, body["error"]]).toEqual([400, "invalid_request"]);
  });

  it("refuses an assertion without iat", async () => {
    const token = await mint(undefined, { claims: { iat: undefined } });
    expect((await postJson(`${base}/v1/oauth/token`, grant(token))).status).toBe(400);
    expect(saasStateOf(emulator).refusals.at(-1)!.cause).toContain("iat");
  });

  it("allows 30 s of skew past exp and no more", async () => {
    const token = await mint(undefined, { ttlSeconds: 60 });
    const late = await mint(undefined, { ttlSeconds: 60 });
    clock.ms += 85_000;
    try {
      expect((await postJson(`${base}/v1/oauth/token`, grant(token))).status).toBe(200);
      clock.ms += 10_000;
      expect((await postJson(`${base}/v1/oauth/token`, grant(late))).status).toBe(400);
    } finally {
      clock.ms -= 95_000;
    }
  });

  it("refuses a subject outside the rule's prefix, another organization, and a missing rule id", async () => {
    expect((await postJson(`${base}/v1/oauth/token`, grant(await mint("repo:evil/app")))).body["error"]).toBe(
      "invalid_grant",
    );
    const otherOrg = await postJson(
      `${base}/v1/oauth/token`,
      grant(await mint(), { organization_id: "00000000-0000-0000-0000-000000000002" }),
    );
    expect([otherOrg.status, otherOrg.body["error"]]).toEqual([400, "invalid_grant"]);
    const { federation_rule_id: _, ...noRule } = grant(await mint());
    const missing = await postJson(`${base}/v1/oauth/token`, noRule);
    expect([missing.status, missing.body["error"]]).toEqual([400, "invalid_request"]);
  });

  it("verifies against an inline JWKS without fetching the issuer, and refuses a key that is not in it", async () => {
    const issuer = "https://ci.example.invalid";
    const signer = await foreignSigner(issuer);
    const stranger = await foreignSigner(issuer);
    const inline = addSaasService(emulator, {
      name: "anthropic-inline",
      preset: "anthropic",
      organizationId: ORG,
      issuers: [{ issuer, keys: { type: "inline", jwks: signer.jwks } }],
      bindings: [{ id: "fdrl_ci", issuer, subject: "ci" }],
    });
    const now = Math.floor(clock.ms / 1000);
    expect(
      (await postJson(`${inline}/v1/oauth/token`, grant(await signer.sign({ sub: "ci", aud: AUD }, now))))
        .status,
    ).toBe(200);
    expect(
      (await postJson(`${inline}/v1/oauth/token`, grant(await stranger.sign({ sub: "ci", aud: AUD }, now))))
        .status,
    ).toBe(400);
    expect(
      (await postJson(`${inline}/v1/oauth/token`, grant(await signer.sign({ sub: "ci", aud: AUD }, now, {}))))
        .status,
    ).toBe(400);
    expect(saasStateOf(emulator).refusals.at(-1)!.cause).toContain("kid");
  });

  it("verifies with keys from an explicit JWKS URL", async () => {
    const explicit = addSaasService(emulator, {
      name: "anthropic-jwksurl",
      preset: "anthropic",
      organizationId: ORG,
      issuers: [
        {
          issuer: "https://elsewhere.example.invalid",
          keys: { type: "jwksUrl", url: `${emulator.urls.idp}/jwks` },
        },
      ],
      bindings: [{ id: "fdrl_ci", issuer: "https://elsewhere.example.invalid", subject: "ci" }],
    });
    const token = await emulator.idp.mint({
      sub: "ci",
      aud: AUD,
      claims: { iss: "https://elsewhere.example.invalid" },
    });
    expect((await postJson(`${explicit}/v1/oauth/token`, grant(token))).status).toBe(200);
  });

  it("answers the echo API with Anthropic's authentication_error for a missing, unknown or expired bearer", async () => {
    const { body } = await postJson(`${base}/v1/oauth/token`, grant(await mint()));
    const call = (authorization?: string) =>
      postJson(`${base}/v1/messages`, { messages: [] }, authorization ? { authorization } : {});
    for (const reply of [await call(), await call("Bearer sk-ant-oat01-forged")]) {
      expect(reply).toEqual({
        status: 401,
        body: { type: "error", error: { type: "authentication_error", message: expect.any(String) } },
      });
    }
    clock.ms += 3601_000;
    try {
      expect((await call(`Bearer ${body["access_token"]}`)).status).toBe(401);
    } finally {
      clock.ms -= 3601_000;
    }
  });
});
