// OAuth error answers → FederationError: the code callers switch on, hints naming the claim and the configured
// value (never a way to widen trust), no secret anywhere; and the services' documented limits checked locally.
import { FederationError } from "@fedkit/core";
import { MAX_SUBJECT_TOKEN_LENGTH } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { anthropicProvider } from "../src/anthropic.js";
import { tokenExchangeProvider } from "../src/index.js";
import { openaiProvider } from "../src/openai.js";
import { fakeToken, recordingContext } from "./fake.js";

const ORG = "00000000-0000-0000-0000-000000000001";
const generic = () =>
  tokenExchangeProvider({
    tokenUrl: "https://sts.example.com/token",
    audience: "https://sts.example.com",
    resource: "https://api.example.com/",
    scope: "read",
    trustHolder: "policy p-1",
  });
const subject = fakeToken({ aud: "https://sts.example.com" });

async function failure(status: number, body: unknown, provider = generic(), token = subject) {
  const { ctx } = recordingContext(status, body);
  const error = await provider.exchange(token, ctx).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(FederationError);
  return error as FederationError;
}

describe("OAuth error mapping", () => {
  it.each([
    [400, "invalid_grant", "The token was not accepted.", "invalid_subject_token"],
    [400, "invalid_grant", "token expired", "expired_subject_token"],
    [400, "invalid_grant", "audience mismatch", "audience_mismatch"],
    [400, "invalid_grant", "issuer is not registered", "issuer_untrusted"],
    [400, "invalid_grant", "subject does not match the policy", "subject_mismatch"],
    [401, "invalid_client", "unknown identity provider", "access_denied"],
    [400, "unauthorized_client", "", "access_denied"],
    [400, "invalid_target", "not granted", "access_denied"],
    [400, "invalid_scope", "", "invalid_request"],
    [400, "invalid_request", "missing field", "invalid_request"],
    [400, "unsupported_grant_type", "", "config"],
    [503, "temporarily_unavailable", "", "provider_unavailable"],
  ])("HTTP %i %s (%s) → %s", async (status, error, description, code) => {
    const err = await failure(status, { error, error_description: description });
    expect(err.code).toBe(code);
    expect(err.cloudCode).toBe(error);
    expect(err.provider).toBe("oauth");
    expect(err.status).toBe(status);
    expect(err.retryable).toBe(code === "provider_unavailable");
  });

  it("statuses without an OAuth body: 429 throttled, 5xx unavailable, 403 denied", async () => {
    expect((await failure(429, "slow down")).code).toBe("throttled");
    expect((await failure(502, "<html>")).code).toBe("provider_unavailable");
    expect((await failure(403, "")).code).toBe("access_denied");
  });

  it("an error code the table does not hold, even an Object key like constructor, is decided by the status", async () => {
    const proto = await failure(400, { error: "constructor" });
    expect([proto.code, proto.cloudCode, proto.retryable]).toEqual(["invalid_request", "constructor", false]);
    const named = await failure(503, { error: "server_error", error_description: "down" });
    expect([named.code, named.cloudCode, named.cloudMessage, named.retryable]).toEqual([
      "provider_unavailable",
      "server_error",
      "down",
      true,
    ]);
    const bare = await failure(401, "");
    expect([bare.code, bare.cloudCode]).toEqual(["access_denied", "HTTP 401"]);
  });

  it("reads Anthropic-style API error bodies ({ error: { type, message } })", async () => {
    const err = await failure(400, {
      type: "error",
      error: { type: "invalid_grant", message: "token expired" },
    });
    expect([err.code, err.cloudCode]).toEqual(["expired_subject_token", "invalid_grant"]);
  });

  it("hints name the presented claim and the configured value, and never suggest widening", async () => {
    const consolidated = await failure(400, {
      error: "invalid_grant",
      error_description: "The token was not accepted.",
    });
    expect(consolidated.hint).toContain('"site:5d1f:context:production:function:chat"');
    expect(consolidated.hint).toContain('"https://shop.example/oidc/production"');
    expect(consolidated.hint).toContain("policy p-1");
    const audience = await failure(400, { error: "invalid_grant", error_description: "bad aud" });
    expect(audience.hint).toContain('configured audience "https://sts.example.com"');
    const target = await failure(400, { error: "invalid_target" });
    expect(target.hint).toContain('"https://api.example.com/"');
    for (const err of [consolidated, audience, target])
      expect(err.hint).not.toMatch(/wildcard|\*|any subject/i);
  });

  it("a service echoing the subject token back never gets it into the error", async () => {
    const err = await failure(400, { error: "invalid_grant", error_description: `bad token ${subject.raw}` });
    const shown = `${err.message} ${JSON.stringify(err.toJSON())} ${String(err.stack)}`;
    expect(shown).not.toContain(subject.raw);
    expect(shown).not.toContain(subject.raw.split(".")[2]);
  });

  it("nor a piece of it: a service quoting only the signature has it cut too", async () => {
    const signature = subject.raw.split(".")[2] ?? "";
    const err = await failure(400, {
      error: "invalid_grant",
      error_description: `signature ${signature} invalid`,
    });
    expect(`${err.message} ${JSON.stringify(err.toJSON())}`).not.toContain(signature);
    expect(err.cloudMessage).toContain("[redacted]");
  });

  it("named providers name their own trust holder", async () => {
    const rule = anthropicProvider({ federationRuleId: "fdrl_9", organizationId: ORG });
    const err = await failure(400, { error: "invalid_grant" }, rule, fakeToken());
    expect(err.provider).toBe("anthropic");
    expect(err.hint).toContain("federation rule fdrl_9");
  });
});

describe("documented limits, checked before the token leaves", () => {
  it("Anthropic: exp - iat above max_jwt_lifetime_seconds (default 3600) is refused without a request", async () => {
    const rule = anthropicProvider({ federationRuleId: "fdrl_1", organizationId: ORG });
    const long = fakeToken({ iat: 1_800_000_000, exp: 1_800_003_601 });
    const { ctx, sent } = recordingContext(200, {});
    await expect(rule.exchange(long, ctx)).rejects.toMatchObject({ code: "invalid_subject_token" });
    expect(sent).toHaveLength(0);
    const raised = anthropicProvider({
      federationRuleId: "fdrl_1",
      organizationId: ORG,
      maxJwtLifetimeSeconds: 7200,
    });
    const ok = recordingContext(200, { access_token: "sk-ant-oat01-xxxxxxxxxx", expires_in: 60 });
    await raised.exchange(long, ok.ctx);
    expect(ok.sent).toHaveLength(1);
    expect(() =>
      anthropicProvider({ federationRuleId: "f", organizationId: ORG, maxJwtLifetimeSeconds: 176_401 }),
    ).toThrow(TypeError);
  });

  it("Anthropic's and OpenRouter's 16 KiB limit is core's own cap on every subject token", () => {
    expect(() => fakeToken({ pad: "x".repeat(16 * 1024) })).toThrow(
      expect.objectContaining({ code: "invalid_subject_token" }),
    );
    expect(MAX_SUBJECT_TOKEN_LENGTH).toBe(16 * 1024);
  });

  it("OpenAI: a token without iat is refused without a request", async () => {
    const provider = openaiProvider({ identityProviderId: "w", serviceAccountId: "s" });
    const { ctx, sent } = recordingContext(200, {});
    const err = (await provider
      .exchange(fakeToken({ iat: undefined }), ctx)
      .catch((e: unknown) => e)) as FederationError;
    expect([err.code, err.message]).toEqual([
      "invalid_subject_token",
      "openai: the subject token has no iat claim.",
    ]);
    expect(sent).toHaveLength(0);
  });
});
