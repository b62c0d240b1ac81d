/// <reference types="node" />
// End to end against the emulator's documented token endpoints and echo APIs: createFederation → named provider
// → the service's fetch; refusals for a deploy-preview subject; Anthropic's per-issuer jti replay check; keys by
// OIDC discovery; and a bearer from one service never accepted by another.
import { callbackToken, createFederation } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { decodeSubjectToken } from "@fedkit/core/provider";
import { saasStateOf } from "@fedkit/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { anthropicFetch, anthropicProvider } from "../src/anthropic.js";
import { bearerFetch, jwtBearerProvider, tokenExchangeProvider } from "../src/index.js";
import { openaiFetch, openaiProvider } from "../src/openai.js";
import { openrouterFetch, openrouterProvider } from "../src/openrouter.js";
import {
  ANTHROPIC_AUD,
  GENERIC_AUD,
  OPENROUTER_AUD,
  ORG,
  type SaasFixture,
  SUBJECT,
  startSaas,
} from "./support.js";

const PREVIEW = "site:5d1f:context:deploy-preview:function:chat";
let fx: SaasFixture;
beforeAll(async () => {
  fx = await startSaas({ keys: "discovery" });
});
afterAll(() => fx.close());

/** A federation whose source mints a fresh emulator token for `sub` on every exchange. */
function federationFor(sub: string) {
  const audit = memoryAudit();
  const federation = createFederation({
    audit,
    source: callbackToken(async ({ audience }) =>
      decodeSubjectToken(await fx.emulator.idp.mint({ sub, aud: audience })),
    ),
  });
  return { federation, audit };
}

const chat = (model: string) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model, messages: [{ role: "user", content: "hello" }], max_tokens: 8 }),
});

describe("named services end to end (keys by OIDC discovery)", () => {
  it("OpenAI: exchange, then the echo API answers with the bearer; the function's identity is recorded", async () => {
    const { federation, audit } = federationFor(SUBJECT);
    const provider = openaiProvider({
      identityProviderId: "wip_ci",
      serviceAccountId: "svc_chat",
      tokenUrl: `${fx.base.openai}/oauth/token`,
      allowedOrigins: [fx.origin],
    });
    const api = openaiFetch(federation, provider, { allowedOrigins: [fx.origin] });
    const res = await api(`${fx.base.openai}/v1/chat/completions`, chat("gpt-4o-mini"));
    const body = (await res.json()) as {
      choices: Array<{ message: { content: string } }>;
      emulator: { subject: string };
    };
    expect(res.status).toBe(200);
    expect(body.choices[0]?.message.content).toBe("echo: hello");
    expect(body.emulator.subject).toBe(SUBJECT);
    const events = audit.events.filter((e) => e.type === "exchange");
    expect(events).toHaveLength(1);
    expect(JSON.stringify(audit.events)).not.toMatch(/emu-openai-/);
  });

  it("Anthropic: exchange and messages; a deploy-preview subject is refused with the rule named", async () => {
    const provider = anthropicProvider({
      federationRuleId: "fdrl_chat",
      organizationId: ORG,
      baseUrl: fx.base.anthropic,
      allowedOrigins: [fx.origin],
    });
    const ok = anthropicFetch(federationFor(SUBJECT).federation, provider, { allowedOrigins: [fx.origin] });
    const res = await ok(`${fx.base.anthropic}/v1/messages`, chat("claude-sonnet-4-5"));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { content: unknown }).content).toEqual([
      { type: "text", text: "echo: hello" },
    ]);

    const preview = anthropicFetch(federationFor(PREVIEW).federation, provider, {
      allowedOrigins: [fx.origin],
    });
    const error = await preview(`${fx.base.anthropic}/v1/messages`, chat("claude-sonnet-4-5")).catch(
      (e) => e,
    );
    expect(error.code).toBe("invalid_subject_token");
    expect(error.cloudCode).toBe("invalid_grant");
    expect(error.hint).toContain("federation rule fdrl_chat");
    expect(error.hint).toContain(PREVIEW);
    expect(saasStateOf(fx.emulator).refusals.at(-1)?.service).toBe("anthropic");
  });

  it("Anthropic refuses a replayed jti for the same issuer (check_jti), so each exchange needs a fresh token", async () => {
    const provider = anthropicProvider({
      federationRuleId: "fdrl_chat",
      organizationId: ORG,
      baseUrl: fx.base.anthropic,
      allowedOrigins: [fx.origin],
    });
    const token = await fx.mint(ANTHROPIC_AUD);
    const { createExchangeContext } = await import("@fedkit/core/provider");
    await provider.exchange(token, createExchangeContext());
    const replay = await provider.exchange(token, createExchangeContext()).catch((e) => e);
    expect(replay.code).toBe("invalid_subject_token");
    expect(saasStateOf(fx.emulator).refusals.at(-1)?.cause).toMatch(/jti/);
  });

  it("OpenRouter: form exchange, then chat under /api/v1", async () => {
    const provider = openrouterProvider({
      federationPolicyId: "pol_chat",
      baseUrl: fx.base.openrouter,
      allowedOrigins: [fx.origin],
    });
    const api = openrouterFetch(federationFor(SUBJECT).federation, provider, { allowedOrigins: [fx.origin] });
    const res = await api(`${fx.base.openrouter}/api/v1/chat/completions`, chat("openai/gpt-4o-mini"));
    expect(res.status).toBe(200);
    const issued = [...saasStateOf(fx.emulator).tokens.values()].filter((t) => t.service === "openrouter");
    expect(issued.at(-1)?.expiresAt ?? 0).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(OPENROUTER_AUD).toBe(provider.audience);
  });

  it("generic RFC 8693 and RFC 7523 providers with bearerFetch; another service's bearer is refused", async () => {
    const { federation } = federationFor(SUBJECT);
    const exchange = tokenExchangeProvider({
      tokenUrl: `${fx.base.exchange}/token`,
      audience: GENERIC_AUD,
      resource: "https://api.example.test/",
      allowedOrigins: [fx.origin],
    });
    const bearer = jwtBearerProvider({ tokenUrl: `${fx.base.bearer}/token`, allowedOrigins: [fx.origin] });
    const rules = { officialHosts: ["api.example.test"], allowedOrigins: [fx.origin] };
    const exchangeApi = bearerFetch(federation, exchange, rules);
    const bearerApi = bearerFetch(federation, bearer, rules);
    expect((await exchangeApi(`${fx.base.exchange}/whoami`)).status).toBe(200);
    expect((await bearerApi(`${fx.base.bearer}/whoami`)).status).toBe(200);
    // The RFC 7523 bearer at the RFC 8693 service: issued by another service, so refused (RFC 6750 §3.1).
    const crossed = await bearerApi(`${fx.base.exchange}/whoami`);
    expect(crossed.status).toBe(401);
    expect(crossed.headers.get("www-authenticate")).toMatch(/invalid_token/);
  });
});
