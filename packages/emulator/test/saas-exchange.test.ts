/// <reference types="node" />
/**
 * RFC 8693 token exchange as OpenAI (JSON, identity provider + service account), OpenRouter (form, federation
 * policy, 15-minute results, only scope `inference`) and a generic RFC 8693 service (form, audience/resource
 * targets) document it; and tokens are honoured only by the echo API of the service that issued them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addSaasService,
  ConfigError,
  type Emulator,
  GRANT_TOKEN_EXCHANGE,
  saasStateOf,
  startEmulator,
  TOKEN_TYPE_ACCESS_TOKEN,
  TOKEN_TYPE_JWT,
} from "../src/index.js";
import { testClock } from "./aws-fixture.js";
import { foreignSigner, postForm, postJson } from "./saas-support.js";

const clock = testClock();
let emulator: Emulator;
let openai: string;
let openrouter: string;
let generic: string;
let configured: string | undefined;

const exchange = (subject_token: string, extra: Record<string, string> = {}) => ({
  grant_type: GRANT_TOKEN_EXCHANGE,
  subject_token_type: TOKEN_TYPE_JWT,
  subject_token,
  ...extra,
});
const openaiGrant = (token: string, extra: Record<string, string> = {}): Record<string, string> =>
  exchange(token, { identity_provider_id: "idp_ci", service_account_id: "svc_reader", ...extra });

beforeAll(async () => {
  emulator = await startEmulator(
    {
      saas: {
        services: [
          {
            name: "openrouter",
            preset: "openrouter",
            issuers: [{ issuer: "{{idp}}" }],
            bindings: [{ id: "from-file", issuer: "{{idp}}", subject: "ci:main" }],
          },
        ],
      },
    },
    { now: clock.now },
  );
  const issuer = emulator.idp.issuer;
  configured = saasStateOf(emulator).services.get("openrouter")?.bindings?.[0]?.issuer;
  openai = addSaasService(emulator, {
    name: "openai",
    preset: "openai",
    issuers: [{ issuer, id: "idp_ci", audience: "https://api.openai.com/v1" }],
    bindings: [{ id: "svc_reader", issuer, subject: "ci:main", scope: "api.model.request" }],
  });
  openrouter = addSaasService(emulator, {
    name: "openrouter",
    preset: "openrouter",
    issuers: [{ issuer }],
    bindings: [
      {
        id: "4b2f7d1e-8c3a-4e5f-9a6b-1c2d3e4f5a6b",
        issuer,
        subject: "ci:main",
        audience: "openrouter",
        scope: "inference",
      },
    ],
  });
  generic = addSaasService(emulator, {
    name: "vendor",
    preset: "rfc8693",
    issuers: [{ issuer }],
    bindings: [
      {
        id: "reports",
        issuer,
        subject: "ci:main",
        audience: "vendor",
        target: "https://api.vendor.test/reports",
      },
    ],
  });
});
afterAll(() => emulator.stop());

const mintFor = (aud: string, ttlSeconds = 3600, sub = "ci:main") =>
  emulator.idp.mint({ sub, aud, ttlSeconds });

describe("openai token exchange", () => {
  it("answers the documented body; expires_in never outlives the subject token", async () => {
    const { status, body } = await postJson(
      `${openai}/oauth/token`,
      openaiGrant(await mintFor("https://api.openai.com/v1", 600)),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issued_token_type: TOKEN_TYPE_ACCESS_TOKEN,
      token_type: "Bearer",
      expires_in: 600,
      scope: "api.model.request",
    });
    const capped = await postJson(
      `${openai}/oauth/token`,
      openaiGrant(await mintFor("https://api.openai.com/v1", 7200)),
    );
    expect(capped.body["expires_in"]).toBe(3600);
  });

  it("refuses another identity provider id, the provider's audience missing, and a missing service account", async () => {
    const token = await mintFor("https://api.openai.com/v1");
    expect(
      await postJson(`${openai}/oauth/token`, openaiGrant(token, { identity_provider_id: "idp_other" })),
    ).toMatchObject({
      status: 400,
      body: { error: "invalid_grant" },
    });
    const wrongAud = await postJson(
      `${openai}/oauth/token`,
      openaiGrant(await mintFor("https://api.openai.com/v2")),
    );
    expect([wrongAud.status, wrongAud.body["error"], wrongAud.body["error_description"]]).toEqual([
      400,
      "invalid_grant",
      "aud does not match",
    ]);
    const { service_account_id: _, ...noAccount } = openaiGrant(token);
    expect((await postJson(`${openai}/oauth/token`, noAccount)).body["error"]).toBe("invalid_request");
  });

  it("refuses a subject_token_type it does not support and a form body", async () => {
    const token = await mintFor("https://api.openai.com/v1");
    const badType = await postJson(
      `${openai}/oauth/token`,
      openaiGrant(token, { subject_token_type: "urn:ietf:params:oauth:token-type:saml2" }),
    );
    expect([badType.status, badType.body["error"]]).toEqual([400, "invalid_request"]);
    expect((await postForm(`${openai}/oauth/token`, openaiGrant(token))).status).toBe(400);
  });

  it("refuses a subject token without kid (OpenAI requires one)", async () => {
    const issuer = "https://wif.example.invalid";
    const signer = await foreignSigner(issuer, "RS256");
    const noKid = addSaasService(emulator, {
      name: "openai-inline",
      preset: "openai",
      issuers: [{ issuer, id: "idp_inline", keys: { type: "inline", jwks: signer.jwks } }],
      bindings: [{ id: "svc", issuer, subject: "ci" }],
    });
    const now = Math.floor(clock.ms / 1000);
    const grant = (token: string) =>
      exchange(token, { identity_provider_id: "idp_inline", service_account_id: "svc" });
    expect(
      (await postJson(`${noKid}/oauth/token`, grant(await signer.sign({ sub: "ci", aud: "x" }, now)))).status,
    ).toBe(200);
    const refused = await postJson(
      `${noKid}/oauth/token`,
      grant(await signer.sign({ sub: "ci", aud: "x" }, now, {})),
    );
    expect(refused.body["error_description"]).toBe("the JWT header has no kid");
  });

  it("serves chat completions and responses to its own bearer and refuses other services' tokens with its error shape", async () => {
    const own = (
      await postJson(`${openai}/oauth/token`, openaiGrant(await mintFor("https://api.openai.com/v1")))
    ).body["access_token"];
    const chat = await postJson(
      `${openai}/v1/chat/completions`,
      { model: "gpt-x", messages: [{ role: "user", content: "ping" }] },
      { authorization: `Bearer ${own}` },
    );
    expect(chat.body).toMatchObject({
      object: "chat.completion",
      choices: [{ message: { role: "assistant", content: "echo: ping" } }],
    });
    const responses = await postJson(
      `${openai}/v1/responses`,
      { model: "gpt-x", input: "pong" },
      { authorization: `Bearer ${own}` },
    );
    expect(responses.body).toMatchObject({
      object: "response",
      output: [{ content: [{ type: "output_text", text: "echo: pong" }] }],
    });
    const foreign = (
      await postForm(
        `${openrouter}/api/v1/oauth/token`,
        exchange(await mintFor("openrouter"), {
          federation_policy_id: "4b2f7d1e-8c3a-4e5f-9a6b-1c2d3e4f5a6b",
        }),
      )
    ).body["access_token"];
    const refused = await postJson(
      `${openai}/v1/chat/completions`,
      { messages: [] },
      { authorization: `Bearer ${foreign}` },
    );
    expect(refused).toEqual({
      status: 401,
      body: {
        error: {
          message: "invalid access token",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      },
    });
  });
});

describe("openrouter token exchange", () => {
  const policy = { federation_policy_id: "4b2f7d1e-8c3a-4e5f-9a6b-1c2d3e4f5a6b" };

  it("takes form bodies only, issues at most 15 minutes, and its echo refuses the token once expired", async () => {
    const { status, body } = await postForm(
      `${openrouter}/api/v1/oauth/token`,
      exchange(await mintFor("openrouter"), policy),
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issued_token_type: TOKEN_TYPE_ACCESS_TOKEN,
      token_type: "Bearer",
      expires_in: 900,
      scope: "inference",
    });
    const call = () =>
      postJson(
        `${openrouter}/api/v1/chat/completions`,
        { messages: [{ role: "user", content: "x" }] },
        { authorization: `Bearer ${body["access_token"]}` },
      );
    expect((await call()).status).toBe(200);
    clock.ms += 900_000;
    try {
      expect(await call()).toEqual({
        status: 401,
        body: { error: { code: 401, message: "the access token has expired" } },
      });
    } finally {
      clock.ms -= 900_000;
    }
    expect(
      (await postJson(`${openrouter}/api/v1/oauth/token`, exchange(await mintFor("openrouter"), policy)))
        .status,
    ).toBe(400);
  });

  it("refuses a scope other than inference, a wrong requested_token_type, another grant, and a foreign audience", async () => {
    const token = await mintFor("openrouter");
    const url = `${openrouter}/api/v1/oauth/token`;
    expect((await postForm(url, exchange(token, { ...policy, scope: "admin" }))).body["error"]).toBe(
      "invalid_scope",
    );
    expect(
      (await postForm(url, exchange(token, { ...policy, requested_token_type: TOKEN_TYPE_JWT }))).body[
        "error"
      ],
    ).toBe("invalid_request");
    expect(
      (await postForm(url, { ...exchange(token, policy), grant_type: "client_credentials" })).body["error"],
    ).toBe("unsupported_grant_type");
    const other = await postForm(url, exchange(await mintFor("someone-else"), policy));
    expect(other).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "The token was not accepted." },
    });
  });

  it("answers 413 invalid_request for a body over 32 KB", async () => {
    const big = await postForm(`${openrouter}/api/v1/oauth/token`, exchange("x".repeat(33 * 1024), policy));
    expect([big.status, big.body["error"]]).toEqual([413, "invalid_request"]);
  });

  it("answers 503 temporarily_unavailable when the issuer's JWKS cannot be fetched", async () => {
    const unreachable = addSaasService(emulator, {
      name: "openrouter-down",
      preset: "openrouter",
      issuers: [
        { issuer: emulator.idp.issuer, keys: { type: "jwksUrl", url: `${emulator.urls.idp}/no-such-jwks` } },
      ],
      bindings: [{ id: "p", issuer: emulator.idp.issuer, subject: "ci:main" }],
    });
    const answer = await postForm(
      `${unreachable}/api/v1/oauth/token`,
      exchange(await mintFor("openrouter"), { federation_policy_id: "p" }),
    );
    expect([answer.status, answer.body["error"]]).toEqual([503, "temporarily_unavailable"]);
  });
});

describe("generic RFC 8693 endpoint", () => {
  it("grants the configured target, refuses another audience with invalid_target, and JSON bodies", async () => {
    const token = await mintFor("vendor");
    const ok = await postForm(
      `${generic}/token`,
      exchange(token, { audience: "https://api.vendor.test/reports" }),
    );
    expect(ok.status).toBe(200);
    const other = await postForm(
      `${generic}/token`,
      exchange(token, { resource: "https://api.vendor.test/admin" }),
    );
    expect([other.status, other.body["error"]]).toEqual([400, "invalid_target"]);
    expect((await postJson(`${generic}/token`, exchange(token))).status).toBe(400);
    const whoami = await fetch(`${generic}/whoami`, {
      headers: { authorization: `Bearer ${ok.body["access_token"]}` },
    });
    expect(await whoami.json()).toMatchObject({ service: "vendor", binding: "reports", subject: "ci:main" });
    const anonymous = await fetch(`${generic}/whoami`);
    expect([anonymous.status, anonymous.headers.get("www-authenticate")]).toEqual([
      401,
      'Bearer error="invalid_token"',
    ]);
  });

  it("counts calls and never records a token in refusals", async () => {
    const token = await mintFor("wrong");
    await postForm(`${generic}/token`, exchange(token));
    const state = saasStateOf(emulator);
    expect(state.calls.get("vendor")).toBeGreaterThan(0);
    expect(JSON.stringify(state.refusals)).not.toContain(token.split(".")[2]);
  });
});

describe("saas config", () => {
  it("expands {{idp}} in the saas section to the built-in IdP's issuer", () => {
    expect(configured).toBe(emulator.idp.issuer);
  });

  it("names the offending field of a bad service", async () => {
    expect(() => addSaasService(emulator, { name: "x", preset: "nope" as "openai" })).toThrow(ConfigError);
    expect(() =>
      addSaasService(emulator, {
        name: "x",
        preset: "openai",
        issuers: [],
        bindings: [{ id: "a", issuer: "https://not-listed" }],
      }),
    ).toThrow(/bindings\[0\]\.issuer/);
    await expect(
      startEmulator({ saas: { services: [{ name: "Bad Name", preset: "openai" }] } }),
    ).rejects.toThrow(/name/);
  });
});
