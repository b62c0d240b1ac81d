import type { FetchFn, OAuthProvider } from "@fedkit/oauth";
import { OPENROUTER_DEFAULT_AUDIENCE, openrouterFetch, openrouterProvider } from "@fedkit/oauth/openrouter";
import { clientOptions, type SaasTargetConfig } from "./saas.js";
import type { CloudPlugin } from "./types.js";

/** An OpenRouter target: a federation policy. @public */
export interface OpenRouterTargetConfig extends SaasTargetConfig {
  readonly cloud: "openrouter";
  readonly federationPolicyId: string;
  /** Another API origin (the emulator); it must be in `allowedOrigins`. */
  readonly baseUrl?: string;
}

/**
 * OpenRouter as a Netlify target (`clouds: { openrouter: openrouterCloud }`); handlers get {@link openrouterFetch}.
 * @example
 * ```ts
 * export default { clouds: { openrouter: openrouterCloud }, targets: { router: { cloud: "openrouter", federationPolicyId: "4b2f7d1e-8c3a-4e5f-9a6b-1c2d3e4f5a6b" } } };
 * ```
 * @public
 */
export const openrouterCloud: CloudPlugin<OpenRouterTargetConfig, FetchFn> = {
  cloud: "openrouter",
  audience: (target) => target.audience ?? OPENROUTER_DEFAULT_AUDIENCE,
  trustHolder: "federation policy",
  provider: ({ target }) =>
    openrouterProvider({
      federationPolicyId: target.federationPolicyId,
      audience: target.audience ?? OPENROUTER_DEFAULT_AUDIENCE,
      ...(target.baseUrl === undefined ? {} : { baseUrl: target.baseUrl }),
      ...(target.allowedOrigins === undefined ? {} : { allowedOrigins: target.allowedOrigins }),
    }),
  client: (credentials, provider, { target, fetch }) =>
    openrouterFetch(credentials, provider as OAuthProvider, clientOptions(target, fetch)),
};
