// The SaaS services' trust (OpenAI, Anthropic, OpenRouter): one exact subject per rule, policy or mapping (a
// prefix for Anthropic), named after the deploy context and the target.
import { FederationError } from "@fedkit/core";
import { type AnthropicTrust, anthropicTrust } from "@fedkit/oauth/anthropic";
import { type OpenAITrust, openaiTrust } from "@fedkit/oauth/openai";
import { type OpenRouterTrust, openrouterTrust } from "@fedkit/oauth/openrouter";
import type { AnthropicTargetConfig } from "../clouds/anthropic.js";
import type { OpenAITargetConfig } from "../clouds/openai.js";
import type { OpenRouterTargetConfig } from "../clouds/openrouter.js";
import type { TrustInput } from "../clouds/types.js";

/** The one subject a SaaS trust can match: its rule, policy or mapping names one `sub`. */
export function oneSubject(input: TrustInput, prefixMatch: boolean): string {
  const all = [...input.subjects, ...(prefixMatch ? input.subjectPatterns : [])];
  if (input.subjectPatterns.length > 0 && !prefixMatch) {
    throw new FederationError(
      "config",
      `fedkit: target "${input.targetName}" has per-user grants; ${input.target.cloud} matches one exact subject.`,
      {
        provider: "netlify",
        hint: 'Map it with identity "function", or use an Anthropic target (prefix match).',
      },
    );
  }
  if (all.length !== 1) {
    throw new FederationError(
      "config",
      `fedkit: target "${input.targetName}" is mapped to ${all.length} subjects; a ${input.target.cloud} rule matches one.`,
      {
        provider: "netlify",
        hint: "Define one target (with its own rule or policy id) per function, or none if nothing calls it.",
      },
    );
  }
  return all[0] as string;
}

/** The rule, policy or mapping name for a target in a deploy context. */
export const trustName = (input: TrustInput): string =>
  `fedkit-${input.context}-${input.targetName}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");

/** OpenAI's workload identity provider and service account mapping for a target. @internal */
export const openaiTrustPolicy = (input: TrustInput<OpenAITargetConfig>): OpenAITrust =>
  openaiTrust({
    issuer: input.issuer,
    subject: oneSubject(input, false),
    audience: input.audience,
    serviceAccountId: input.target.serviceAccountId,
    name: trustName(input),
  });

/** Anthropic's federation issuer and rule for a target. @internal */
export const anthropicTrustPolicy = (input: TrustInput<AnthropicTargetConfig>): AnthropicTrust =>
  anthropicTrust({
    issuer: input.issuer,
    subject: oneSubject(input, true),
    audience: input.audience,
    name: trustName(input),
  });

/** OpenRouter's issuer and federation policy for a target. @internal */
export const openrouterTrustPolicy = (input: TrustInput<OpenRouterTargetConfig>): OpenRouterTrust =>
  openrouterTrust({
    issuer: input.issuer,
    subject: oneSubject(input, false),
    audience: input.audience,
    name: trustName(input),
  });
