/**
 * Cloud plugins for `@fedkit/netlify`: OpenAI, Anthropic and OpenRouter as targets, named in the config's
 * `clouds` like the cloud plugins (`clouds: { openai: openaiCloud }`), so functions map to SaaS targets with the
 * same guardrails, deploy-context isolation, audit and `trustPolicyFor`.
 *
 * @packageDocumentation
 */
import { FederationError } from "@fedkit/core";
import type { CloudPlugin, TargetConfig, TrustInput } from "@fedkit/netlify";
import {
  ANTHROPIC_DEFAULT_AUDIENCE,
  type AnthropicTrust,
  anthropicFetch,
  anthropicProvider,
  anthropicTrust,
} from "./anthropic.js";
import type { FetchFn, ServiceFetchOptions } from "./bearer-fetch.js";
import type { OAuthProvider } from "./grant-provider.js";
import {
  OPENAI_DEFAULT_AUDIENCE,
  type OpenAITrust,
  openaiFetch,
  openaiProvider,
  openaiTrust,
} from "./openai.js";
import {
  OPENROUTER_DEFAULT_AUDIENCE,
  type OpenRouterTrust,
  openrouterFetch,
  openrouterProvider,
  openrouterTrust,
} from "./openrouter.js";

/** Fields every SaaS target may set. @public */
export interface SaasTargetConfig extends TargetConfig {
  /** Exact origins outside the service's hosts that may receive the subject token and the bearer (the emulator). */
  readonly allowedOrigins?: readonly string[];
}

/** An OpenAI target: a workload identity provider and a service account. @public */
export interface OpenAITargetConfig extends SaasTargetConfig {
  readonly cloud: "openai";
  readonly identityProviderId: string;
  readonly serviceAccountId: string;
  /** Another token endpoint (the emulator); its origin must be in `allowedOrigins`. */
  readonly tokenUrl?: string;
}

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

/** An OpenRouter target: a federation policy. @public */
export interface OpenRouterTargetConfig extends SaasTargetConfig {
  readonly cloud: "openrouter";
  readonly federationPolicyId: string;
  /** Another API origin (the emulator); it must be in `allowedOrigins`. */
  readonly baseUrl?: string;
}

/** The one subject a SaaS trust can match: its rule, policy or mapping names one `sub`. */
function oneSubject(input: TrustInput, prefixMatch: boolean): string {
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

function clientOptions(target: SaasTargetConfig, fetch: unknown): ServiceFetchOptions {
  return {
    ...(target.allowedOrigins === undefined ? {} : { allowedOrigins: target.allowedOrigins }),
    ...(fetch === undefined ? {} : { fetch: fetch as FetchFn }),
  };
}

const name = (input: TrustInput) =>
  `fedkit-${input.context}-${input.targetName}`.toLowerCase().replace(/[^a-z0-9-]/g, "-");

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
  trustPolicy: (input): OpenAITrust =>
    openaiTrust({
      issuer: input.issuer,
      subject: oneSubject(input, false),
      audience: input.audience,
      serviceAccountId: input.target.serviceAccountId,
      name: name(input),
    }),
};

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
  trustPolicy: (input): AnthropicTrust =>
    anthropicTrust({
      issuer: input.issuer,
      subject: oneSubject(input, true),
      audience: input.audience,
      name: name(input),
    }),
};

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
  trustPolicy: (input): OpenRouterTrust =>
    openrouterTrust({
      issuer: input.issuer,
      subject: oneSubject(input, false),
      audience: input.audience,
      name: name(input),
    }),
};
