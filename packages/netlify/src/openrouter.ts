/**
 * `@fedkit/netlify/openrouter`: OpenRouter as a target (RFC 8693 token exchange under a federation policy). Name
 * it in the config's `clouds` so only functions of sites that call OpenRouter ship `@fedkit/oauth`'s exchange.
 *
 * @example
 * ```ts
 * import { openrouterCloud } from "@fedkit/netlify/openrouter";
 *
 * export default {
 *   siteId: "5b0c2a71-...",
 *   siteUrl: "https://llm.example.com",
 *   clouds: { openrouter: openrouterCloud },
 *   targets: { router: { cloud: "openrouter", federationPolicyId: "4b2f7d1e-8c3a-4e5f-9a6b-1c2d3e4f5a6b" } },
 *   functions: { chat: { router: {} } },
 * } satisfies FedkitConfig;
 * ```
 *
 * @packageDocumentation
 */

export type { FetchFn } from "@fedkit/oauth";
export { type OpenRouterTargetConfig, openrouterCloud } from "./clouds/openrouter.js";
export type { SaasTargetConfig } from "./clouds/saas.js";
