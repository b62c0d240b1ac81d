import type { FetchFn, OAuthProvider } from "@fedkit/oauth";
import { ANTHROPIC_DEFAULT_AUDIENCE, anthropicFetch, anthropicProvider } from "@fedkit/oauth/anthropic";
import { clientOptions, type SaasTargetConfig } from "./saas.js";
import type { CloudPlugin } from "./types.js";

/** An Anthropic target: a federation rule in an organization. @public */
export interface AnthropicTargetConfig extends SaasTargetConfig {
  readonly cloud: "anthropic";
  readonly federationRuleId: string;
  readonly organizationId: string;
  readonly serviceAccountId?: string;
  readonly workspaceId?: string;
  /** Another API origin (the emulator); it must be in `allowedOrigins`. */
  readonly baseUrl?: string;
}

/**
 * Anthropic as a Netlify target (`clouds: { anthropic: anthropicCloud }`); handlers get {@link anthropicFetch}.
 * @example
 * ```ts
 * export default { clouds: { anthropic: anthropicCloud }, targets: { claude: { cloud: "anthropic", federationRuleId: "fdrl_1", organizationId } } };
 * ```
 * @public
 */
export const anthropicCloud: CloudPlugin<AnthropicTargetConfig, FetchFn> = {
  cloud: "anthropic",
  audience: (target) => target.audience ?? ANTHROPIC_DEFAULT_AUDIENCE,
  trustHolder: "federation rule",
  provider: ({ target }) =>
    anthropicProvider({
      federationRuleId: target.federationRuleId,
      organizationId: target.organizationId,
      audience: target.audience ?? ANTHROPIC_DEFAULT_AUDIENCE,
      ...(target.serviceAccountId === undefined ? {} : { serviceAccountId: target.serviceAccountId }),
      ...(target.workspaceId === undefined ? {} : { workspaceId: target.workspaceId }),
      ...(target.baseUrl === undefined ? {} : { baseUrl: target.baseUrl }),
      ...(target.allowedOrigins === undefined ? {} : { allowedOrigins: target.allowedOrigins }),
    }),
  client: (credentials, provider, { target, fetch }) =>
    anthropicFetch(credentials, provider as OAuthProvider, clientOptions(target, fetch)),
};
