// What each provider puts on the wire (endpoint, encoding, grant parameters) and how it reads the answer.
import { FederationError } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { anthropicProvider } from "../src/anthropic.js";
import {
  JWT_BEARER_GRANT,
  jwtBearerProvider,
  TOKEN_EXCHANGE_GRANT,
  TOKEN_TYPES,
  tokenExchangeProvider,
} from "../src/index.js";
import { openaiProvider } from "../src/openai.js";
import { openrouterProvider } from "../src/openrouter.js";
import { fakeToken, OK, recordingContext } from "./fake.js";

const ORG = "00000000-0000-0000-0000-000000000001";

describe("generic RFC 8693 token exchange", () => {
  it("form-encodes grant, subject token and type, repeated audience/resource, scope and requested type", async () => {
    const provider = tokenExchangeProvider({
      tokenUrl: "https://sts.example.com/oauth2/token",
      audience: "https://sts.example.com",
      targetAudience: ["svc-a", "svc-b"],
      resource: "https://api.example.com/",
      scope: ["read", "write"],
      requestedTokenType: TOKEN_TYPES.accessToken,
    });
    const subject = fakeToken({ aud: "https://sts.example.com" });
    const { ctx, sent } = recordingContext(200, { ...OK, issued_token_type: TOKEN_TYPES.accessToken });
    const { credentials } = await provider.exchange(subject, ctx);
    expect(sent[0]?.url).toBe("https://sts.example.com/oauth2/token");
    expect(sent[0]?.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(sent[0]?.body);
    expect(form.get("grant_type")).toBe(TOKEN_EXCHANGE_GRANT);
    expect(form.get("subject_token")).toBe(subject.raw);
    expect(form.get("subject_token_type")).toBe(TOKEN_TYPES.jwt);
    expect(form.getAll("audience")).toEqual(["svc-a", "svc-b"]);
    expect(form.getAll("resource")).toEqual(["https://api.example.com/"]);
    expect(form.get("scope")).toBe("read write");
    expect(form.get("requested_token_type")).toBe(TOKEN_TYPES.accessToken);
    expect(credentials).toEqual({
      kind: "access-token",
      token: OK.access_token,
      tokenType: "Bearer",
      expiresAt: 1_800_000_000_000 + 900_000,
    });
  });

  it("refuses an answer whose issued_token_type is not the requested one", async () => {
    const provider = tokenExchangeProvider({
      tokenUrl: "https://sts.example.com/token",
      audience: "a",
      requestedTokenType: TOKEN_TYPES.accessToken,
    });
    const { ctx } = recordingContext(200, { ...OK, issued_token_type: TOKEN_TYPES.idToken });
    await expect(provider.exchange(fakeToken({ aud: "a" }), ctx)).rejects.toMatchObject({
      code: "bad_response",
    });
  });

  it.each([
    ["no access_token", { token_type: "Bearer", expires_in: 60 }],
    ["token_type N_A (not usable as a bearer)", { ...OK, token_type: "N_A" }],
    ["no expires_in", { access_token: "x", token_type: "Bearer" }],
    ["a negative expires_in", { ...OK, expires_in: -5 }],
    ["a string expires_in", { ...OK, expires_in: "900" }],
    ["not JSON", "<html>"],
  ])("answers with %s are bad_response, without the token in the error", async (_name, body) => {
    const provider = tokenExchangeProvider({ tokenUrl: "https://sts.example.com/token", audience: "a" });
    const subject = fakeToken({ aud: "a" });
    const { ctx } = recordingContext(200, body);
    const error = await provider.exchange(subject, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationError);
    expect((error as FederationError).code).toBe("bad_response");
    expect(JSON.stringify((error as FederationError).toJSON())).not.toContain(subject.raw);
  });

  it("uses defaultLifetimeSeconds only when expires_in is absent", async () => {
    const provider = tokenExchangeProvider({
      tokenUrl: "https://sts.example.com/token",
      audience: "a",
      defaultLifetimeSeconds: 120,
    });
    const { ctx } = recordingContext(200, { access_token: "x-token-value", token_type: "bearer" });
    const { credentials } = await provider.exchange(fakeToken({ aud: "a" }), ctx);
    expect(credentials.expiresAt).toBe(1_800_000_000_000 + 120_000);
  });

  it("sends the subject token only to the tokenUrl's own host: others need an explicit opt-in", () => {
    expect(() => tokenExchangeProvider({ tokenUrl: "http://sts.example.com/token", audience: "a" })).toThrow(
      expect.objectContaining({ code: "endpoint_refused" }),
    );
    expect(() =>
      tokenExchangeProvider({ tokenUrl: "https://sts.example.com:8443/token", audience: "a" }),
    ).toThrow(expect.objectContaining({ code: "endpoint_refused" }));
    expect(() =>
      tokenExchangeProvider({
        tokenUrl: "http://127.0.0.1:4000/token",
        audience: "a",
        allowedOrigins: ["http://127.0.0.1:4000"],
      }),
    ).not.toThrow();
    expect(() =>
      tokenExchangeProvider({ tokenUrl: "https://sts.example.com/token?x=1", audience: "a" }),
    ).toThrow(expect.objectContaining({ code: "config" }));
    expect(() =>
      tokenExchangeProvider({
        tokenUrl: "https://sts.example.com/token",
        audience: "a",
        params: { subject_token: "x" },
      }),
    ).toThrow(expect.objectContaining({ code: "config" }));
  });

  it("keys the cache on every permission-affecting input", () => {
    const base = { tokenUrl: "https://sts.example.com/token", audience: "a" };
    const key = tokenExchangeProvider(base).key;
    expect(tokenExchangeProvider(base).key).toBe(key);
    for (const other of [
      { ...base, audience: "b" },
      { ...base, scope: "admin" },
      { ...base, resource: "https://other.example/" },
      { ...base, targetAudience: "svc" },
      { ...base, params: { policy: "p2" } },
      { ...base, tokenUrl: "https://sts.example.com/token2" },
    ]) {
      expect(tokenExchangeProvider(other).key).not.toBe(key);
    }
  });
});

describe("generic RFC 7523 jwt-bearer", () => {
  it("sends the token as the assertion, aud defaulting to the token endpoint (RFC 7523 §3), JSON when asked", async () => {
    const provider = jwtBearerProvider({
      tokenUrl: "https://auth.example.com/oauth/token",
      encoding: "json",
      scope: "read",
      params: { client_id: "c1" },
    });
    expect(provider.audience).toBe("https://auth.example.com/oauth/token");
    const subject = fakeToken({ aud: provider.audience });
    const { ctx, sent } = recordingContext(200, OK);
    await provider.exchange(subject, ctx);
    expect(sent[0]?.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(sent[0]?.body ?? "")).toEqual({
      grant_type: JWT_BEARER_GRANT,
      assertion: subject.raw,
      scope: "read",
      client_id: "c1",
    });
  });
});

describe("named services", () => {
  it("OpenAI: JSON to auth.openai.com with identity provider and service account, no scope", async () => {
    const provider = openaiProvider({ identityProviderId: "wip_1", serviceAccountId: "svc_2" });
    const subject = fakeToken({ aud: "https://api.openai.com/v1" });
    const { ctx, sent } = recordingContext(200, { ...OK, expires_in: 3600, scope: "api.model.request" });
    const { credentials } = await provider.exchange(subject, ctx);
    expect(sent[0]?.url).toBe("https://auth.openai.com/oauth/token");
    expect(sent[0]?.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(sent[0]?.body ?? "")).toEqual({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subject.raw,
      subject_token_type: TOKEN_TYPES.jwt,
      identity_provider_id: "wip_1",
      service_account_id: "svc_2",
    });
    expect(credentials.scopes).toEqual(["api.model.request"]);
  });

  it("Anthropic: JSON to api.anthropic.com/v1/oauth/token with its beta header; optional ids only when set", async () => {
    const provider = anthropicProvider({ federationRuleId: "fdrl_1", organizationId: ORG });
    const subject = fakeToken();
    const { ctx, sent } = recordingContext(200, { access_token: "sk-ant-oat01-abcdefghij", expires_in: 600 });
    await provider.exchange(subject, ctx);
    expect(sent[0]?.url).toBe("https://api.anthropic.com/v1/oauth/token");
    expect(sent[0]?.headers.get("anthropic-beta")).toBe("oauth-2025-04-20,oidc-federation-2026-04-01");
    expect(JSON.parse(sent[0]?.body ?? "")).toEqual({
      grant_type: JWT_BEARER_GRANT,
      assertion: subject.raw,
      federation_rule_id: "fdrl_1",
      organization_id: ORG,
    });
    const scoped = anthropicProvider({
      federationRuleId: "fdrl_1",
      organizationId: ORG,
      serviceAccountId: "svac_1",
      workspaceId: "default",
    });
    expect(scoped.key).not.toBe(provider.key);
    const second = recordingContext(200, { access_token: "sk-ant-oat01-abcdefghij", expires_in: 600 });
    await scoped.exchange(fakeToken({ jti: "jti-2" }), second.ctx);
    expect(JSON.parse(second.sent[0]?.body ?? "")).toMatchObject({
      service_account_id: "svac_1",
      workspace_id: "default",
    });
  });

  it("OpenRouter: form to openrouter.ai/api/v1/oauth/token with policy, inference scope, access token type", async () => {
    const provider = openrouterProvider({ federationPolicyId: "pol-1" });
    const subject = fakeToken({ aud: "https://openrouter.ai" });
    const { ctx, sent } = recordingContext(200, { ...OK, issued_token_type: TOKEN_TYPES.accessToken });
    await provider.exchange(subject, ctx);
    expect(sent[0]?.url).toBe("https://openrouter.ai/api/v1/oauth/token");
    expect(Object.fromEntries(new URLSearchParams(sent[0]?.body))).toEqual({
      grant_type: TOKEN_EXCHANGE_GRANT,
      subject_token: subject.raw,
      subject_token_type: TOKEN_TYPES.jwt,
      federation_policy_id: "pol-1",
      requested_token_type: TOKEN_TYPES.accessToken,
      scope: "inference",
    });
  });

  it("a custom endpoint for a named service needs an explicit opt-in", () => {
    expect(() =>
      anthropicProvider({
        federationRuleId: "f",
        organizationId: ORG,
        baseUrl: "https://anthropic.attacker.example",
      }),
    ).toThrow(expect.objectContaining({ code: "endpoint_refused" }));
    expect(() =>
      openaiProvider({
        identityProviderId: "w",
        serviceAccountId: "s",
        tokenUrl: "https://api.openai.com/oauth/token",
      }),
    ).toThrow(expect.objectContaining({ code: "endpoint_refused" }));
    expect(() => openrouterProvider({ federationPolicyId: "" })).toThrow(
      expect.objectContaining({ code: "config" }),
    );
  });
});
