/**
 * `@fedkit/netlify/trust`: the cloud-side trust derived from the fedkit config (`trustPolicyFor`) and fedkit's
 * generators for its built-in clouds. Run it where the trust is set up (the CLI, a deploy script, a test), never in
 * an edge function: keeping it off the main entry and the cloud plugins keeps it out of every deployed function.
 *
 * @example
 * ```ts
 * import { trustPolicyFor } from "@fedkit/netlify/trust";
 * import config from "./netlify/fedkit.config.js";
 *
 * console.log(JSON.stringify(trustPolicyFor(config, "reports", { context: "production" }), null, 2));
 * ```
 *
 * @packageDocumentation
 */

export type { GcpTrustConfig } from "@fedkit/gcp";
export type { AnthropicTrust } from "@fedkit/oauth/anthropic";
export type { OpenAITrust } from "@fedkit/oauth/openai";
export type { OpenRouterTrust } from "@fedkit/oauth/openrouter";
export type { TrustInput } from "./clouds/types.js";
export { awsTrustPolicy } from "./trust/aws.js";
export { type AzureTrustPolicy, azureTrustPolicy } from "./trust/azure.js";
export { gcpTrustPolicy } from "./trust/gcp.js";
export { type TrustPolicyOptions, trustPolicyFor } from "./trust/policy.js";
