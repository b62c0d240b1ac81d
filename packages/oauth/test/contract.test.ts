/// <reference types="node" />
// Every provider of this package passes core's provider contract against the emulator's token endpoints.
import { testProvider } from "@fedkit/core/testing";
import { describe, expect, it } from "vitest";
import { anthropicProvider } from "../src/anthropic.js";
import { jwtBearerProvider, tokenExchangeProvider } from "../src/index.js";
import { openaiProvider } from "../src/openai.js";
import { openrouterProvider } from "../src/openrouter.js";
import { ANTHROPIC_AUD, GENERIC_AUD, OPENAI_AUD, OPENROUTER_AUD, ORG, startSaas } from "./support.js";

testProvider(
  "tokenExchangeProvider (RFC 8693, emulator)",
  async () => {
    const fx = await startSaas();
    return {
      provider: tokenExchangeProvider({
        tokenUrl: `${fx.base.exchange}/token`,
        audience: GENERIC_AUD,
        resource: "https://api.example.test/",
        allowedOrigins: [fx.origin],
      }),
      subject: await fx.mint(GENERIC_AUD),
      rejectedSubject: await fx.mint(GENERIC_AUD, "site:5d1f:context:deploy-preview:function:chat"),
      close: fx.close,
    };
  },
  { describe, it, expect },
);

testProvider(
  "jwtBearerProvider (RFC 7523, emulator)",
  async () => {
    const fx = await startSaas();
    const provider = jwtBearerProvider({ tokenUrl: `${fx.base.bearer}/token`, allowedOrigins: [fx.origin] });
    return {
      provider,
      subject: await fx.mint(provider.audience),
      rejectedSubject: await fx.mint(provider.audience, "someone-else"),
      close: fx.close,
    };
  },
  { describe, it, expect },
);

testProvider(
  "openaiProvider (emulator)",
  async () => {
    const fx = await startSaas();
    return {
      provider: openaiProvider({
        identityProviderId: "wip_ci",
        serviceAccountId: "svc_chat",
        tokenUrl: `${fx.base.openai}/oauth/token`,
        allowedOrigins: [fx.origin],
      }),
      subject: await fx.mint(OPENAI_AUD),
      rejectedSubject: await fx.mint(OPENAI_AUD, "site:5d1f:context:deploy-preview:function:chat"),
      close: fx.close,
    };
  },
  { describe, it, expect },
);

testProvider(
  "anthropicProvider (emulator)",
  async () => {
    const fx = await startSaas();
    return {
      provider: anthropicProvider({
        federationRuleId: "fdrl_chat",
        organizationId: ORG,
        baseUrl: fx.base.anthropic,
        allowedOrigins: [fx.origin],
      }),
      subject: await fx.mint(ANTHROPIC_AUD),
      rejectedSubject: await fx.mint(ANTHROPIC_AUD, "site:5d1f:context:deploy-preview:function:chat"),
      close: fx.close,
    };
  },
  { describe, it, expect },
);

testProvider(
  "openrouterProvider (emulator)",
  async () => {
    const fx = await startSaas();
    return {
      provider: openrouterProvider({
        federationPolicyId: "pol_chat",
        baseUrl: fx.base.openrouter,
        allowedOrigins: [fx.origin],
      }),
      subject: await fx.mint(OPENROUTER_AUD),
      rejectedSubject: await fx.mint(OPENROUTER_AUD, "site:5d1f:context:deploy-preview:function:chat"),
      close: fx.close,
    };
  },
  { describe, it, expect },
);
