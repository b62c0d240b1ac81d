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
    const options = {
      tokenUrl: `${fx.base.exchange}/token`,
      audience: GENERIC_AUD,
      resource: "https://api.example.test/",
      allowedOrigins: [fx.origin],
    };
    return {
      provider: tokenExchangeProvider(options),
      sameConfig: () => tokenExchangeProvider({ ...options }),
      permissionVariants: {
        audience: tokenExchangeProvider({ ...options, audience: "https://other.example.test" }),
        resource: tokenExchangeProvider({ ...options, resource: "https://api.example.test/admin" }),
        tokenUrl: tokenExchangeProvider({ ...options, tokenUrl: `${fx.base.exchange}/other-token` }),
      },
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
    const options = { tokenUrl: `${fx.base.bearer}/token`, allowedOrigins: [fx.origin] };
    const provider = jwtBearerProvider(options);
    return {
      provider,
      sameConfig: () => jwtBearerProvider({ ...options }),
      permissionVariants: {
        tokenUrl: jwtBearerProvider({ ...options, tokenUrl: `${fx.base.bearer}/other-token` }),
      },
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
    const options = {
      identityProviderId: "wip_ci",
      serviceAccountId: "svc_chat",
      tokenUrl: `${fx.base.openai}/oauth/token`,
      allowedOrigins: [fx.origin],
    };
    return {
      provider: openaiProvider(options),
      sameConfig: () => openaiProvider({ ...options }),
      permissionVariants: {
        serviceAccountId: openaiProvider({ ...options, serviceAccountId: "svc_admin" }),
        identityProviderId: openaiProvider({ ...options, identityProviderId: "wip_other" }),
      },
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
    const options = {
      federationRuleId: "fdrl_chat",
      organizationId: ORG,
      baseUrl: fx.base.anthropic,
      allowedOrigins: [fx.origin],
    };
    return {
      provider: anthropicProvider(options),
      sameConfig: () => anthropicProvider({ ...options }),
      permissionVariants: {
        federationRuleId: anthropicProvider({ ...options, federationRuleId: "fdrl_admin" }),
        organizationId: anthropicProvider({
          ...options,
          organizationId: "00000000-0000-4000-8000-000000000000",
        }),
      },
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
    const options = {
      federationPolicyId: "pol_chat",
      baseUrl: fx.base.openrouter,
      allowedOrigins: [fx.origin],
    };
    return {
      provider: openrouterProvider(options),
      sameConfig: () => openrouterProvider({ ...options }),
      permissionVariants: {
        federationPolicyId: openrouterProvider({ ...options, federationPolicyId: "pol_admin" }),
      },
      subject: await fx.mint(OPENROUTER_AUD),
      rejectedSubject: await fx.mint(OPENROUTER_AUD, "site:5d1f:context:deploy-preview:function:chat"),
      close: fx.close,
    };
  },
  { describe, it, expect },
);
