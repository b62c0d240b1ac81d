// trustPolicyFor with the SaaS plugins (@fedkit/netlify/openai, /anthropic, /openrouter): one issuer per deploy
// context, one exact subject per rule or policy.

import type { AnthropicTrust } from "@fedkit/oauth/anthropic";
import type { OpenAITrust } from "@fedkit/oauth/openai";
import type { OpenRouterTrust } from "@fedkit/oauth/openrouter";
import { describe, expect, it } from "vitest";
import { anthropicCloud } from "../src/anthropic.js";
import type { FedkitConfig } from "../src/index.js";
import { openaiCloud } from "../src/openai.js";
import { openrouterCloud } from "../src/openrouter.js";
import { trustPolicyFor } from "../src/trust.js";

const SITE = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const ISSUER = "https://llm.example.com/oidc/production";
const SUB = `site:${SITE}:context:production:function:chat`;

function config(functions: FedkitConfig["functions"], targets: FedkitConfig["targets"] = {}): FedkitConfig {
  return {
    siteId: SITE,
    siteUrl: "https://llm.example.com",
    clouds: { openai: openaiCloud, anthropic: anthropicCloud, openrouter: openrouterCloud },
    targets: {
      gpt: { cloud: "openai", identityProviderId: "wip_1", serviceAccountId: "svc_1" },
      claude: { cloud: "anthropic", federationRuleId: "fdrl_1", organizationId: "org" },
      router: { cloud: "openrouter", federationPolicyId: "pol_1" },
      ...targets,
    },
    functions,
  };
}

describe("trustPolicyFor with the SaaS plugins", () => {
  const functions = { chat: { gpt: {}, claude: {}, router: {} } };

  it("names the context's own issuer and the function's exact subject, per service", () => {
    const gpt = trustPolicyFor(config(functions), "gpt") as OpenAITrust;
    expect(gpt.workloadIdentityProvider.issuer).toBe(ISSUER);
    expect(gpt.serviceAccountMapping.subject).toBe(SUB);
    const claude = trustPolicyFor(config(functions), "claude") as AnthropicTrust;
    expect(claude.federationIssuer.issuer_url).toBe(ISSUER);
    expect(claude.federationRule.match).toEqual({
      subject_prefix: SUB,
      audience: "https://api.anthropic.com",
    });
    expect(claude.federationRule.name).toBe("fedkit-production-claude");
    const router = trustPolicyFor(config(functions), "router") as OpenRouterTrust;
    expect(router.policy.subject).toBe(SUB);
  });

  it("a deploy preview's trust names the preview issuer and subject, and only on a target owned by it", () => {
    expect(() => trustPolicyFor(config(functions), "claude", { context: "deploy-preview" })).toThrow(
      /would let deploy-preview code act as production/,
    );
    const own = config(functions, {
      claude: {
        cloud: "anthropic",
        federationRuleId: "fdrl_p",
        organizationId: "org",
        trustContext: "deploy-preview",
      },
    });
    const preview = trustPolicyFor(own, "claude", { context: "deploy-preview" }) as AnthropicTrust;
    expect(preview.federationIssuer.issuer_url).toBe("https://llm.example.com/oidc/deploy-preview");
    expect(preview.federationRule.match.subject_prefix).toBe(
      `site:${SITE}:context:deploy-preview:function:chat`,
    );
  });

  it("refuses a target shared by two functions: a rule or policy matches one subject", () => {
    expect(() => trustPolicyFor(config({ chat: { router: {} }, other: { router: {} } }), "router")).toThrow(
      /mapped to 2 subjects/,
    );
    expect(() => trustPolicyFor(config({}), "gpt")).toThrow(/mapped to 0 subjects/);
  });
});
