import type { FetchFn, OAuthProvider } from "@fedkit/oauth";
import { OPENAI_DEFAULT_AUDIENCE, openaiFetch, openaiProvider } from "@fedkit/oauth/openai";
import { clientOptions, type SaasTargetConfig } from "./saas.js";
import type { CloudPlugin } from "./types.js";

/** An OpenAI target: a workload identity provider and a service account. @public */
export interface OpenAITargetConfig extends SaasTargetConfig {
  readonly cloud: "openai";
  readonly identityProviderId: string;
  readonly serviceAccountId: string;
  /** Another token endpoint (the emulator); its origin must be in `allowedOrigins`. */
  readonly tokenUrl?: string;
}

/**
 * OpenAI as a Netlify target (`clouds: { openai: openaiCloud }`); handlers get {@link openaiFetch}.
 * @example
 * ```ts
 * export default { clouds: { openai: openaiCloud }, targets: { llm: { cloud: "openai", identityProviderId: "wip_1", serviceAccountId: "svc_1" } } };
 * ```
 * @public
 */
export const openaiCloud: CloudPlugin<OpenAITargetConfig, FetchFn> = {
  cloud: "openai",
  audience: (target) => target.audience ?? OPENAI_DEFAULT_AUDIENCE,
  trustHolder: "service account mapping",
  provider: ({ target }) =>
    openaiProvider({
      identityProviderId: target.identityProviderId,
      serviceAccountId: target.serviceAccountId,
      audience: target.audience ?? OPENAI_DEFAULT_AUDIENCE,
      ...(target.tokenUrl === undefined ? {} : { tokenUrl: target.tokenUrl }),
      ...(target.allowedOrigins === undefined ? {} : { allowedOrigins: target.allowedOrigins }),
    }),
  client: (credentials, provider, { target, fetch }) =>
    openaiFetch(credentials, provider as OAuthProvider, clientOptions(target, fetch)),
};
