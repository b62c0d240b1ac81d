/**
 * `@fedkit/netlify/openai`: OpenAI as a target (RFC 8693 token exchange to a service account). Name it in the
 * config's `clouds` so only functions of sites that call OpenAI ship `@fedkit/oauth`'s exchange and bearer fetch.
 *
 * @example
 * ```ts
 * import { openaiCloud } from "@fedkit/netlify/openai";
 *
 * export default {
 *   siteId: "5b0c2a71-...",
 *   siteUrl: "https://llm.example.com",
 *   clouds: { openai: openaiCloud },
 *   targets: { gpt: { cloud: "openai", identityProviderId: "wip_1", serviceAccountId: "svc_1" } },
 *   functions: { chat: { gpt: {} } },
 * } satisfies FedkitConfig;
 * ```
 *
 * @packageDocumentation
 */

export type { FetchFn } from "@fedkit/oauth";
export { type OpenAITargetConfig, openaiCloud } from "./clouds/openai.js";
export type { SaasTargetConfig } from "./clouds/saas.js";
