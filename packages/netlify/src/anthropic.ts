/**
 * `@fedkit/netlify/anthropic`: Anthropic as a target (RFC 7523 JWT-bearer grant under a federation rule). Name it
 * in the config's `clouds` so only functions of sites that call Anthropic ship `@fedkit/oauth`'s grant and fetch.
 *
 * @example
 * ```ts
 * import { anthropicCloud } from "@fedkit/netlify/anthropic";
 *
 * export default {
 *   siteId: "5b0c2a71-...",
 *   siteUrl: "https://llm.example.com",
 *   clouds: { anthropic: anthropicCloud },
 *   targets: { claude: { cloud: "anthropic", federationRuleId: "fdrl_1", organizationId: "org_1" } },
 *   functions: { chat: { claude: {} } },
 * } satisfies FedkitConfig;
 * ```
 *
 * @packageDocumentation
 */

export type { FetchFn } from "@fedkit/oauth";
export { type AnthropicTargetConfig, anthropicCloud } from "./clouds/anthropic.js";
export type { SaasTargetConfig } from "./clouds/saas.js";
