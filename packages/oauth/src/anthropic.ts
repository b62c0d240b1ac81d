/**
 * Anthropic workload identity federation: an OIDC token sent as an RFC 7523 jwt-bearer assertion (JSON body) to
 * `https://api.anthropic.com/v1/oauth/token`, answered with a short-lived `sk-ant-oat01-` bearer that goes only
 * to `api.anthropic.com`. Facts and sources: docs/saas.md.
 *
 * @packageDocumentation
 */
import type { Federation } from "@fedkit/core";
import { bearerFetch, type FetchFn, type ServiceFetchOptions } from "./bearer-fetch.js";
import { tokenEndpoint } from "./endpoint.js";
import { grantProvider, type OAuthProvider } from "./grant-provider.js";
import { JWT_BEARER_GRANT } from "./grants.js";
import { checkSubjectLimits } from "./limits.js";
import { requireString } from "./options.js";
import { checkTrustInput, INLINE_JWKS_ROTATION, type ServiceTrustInput } from "./service-trust.js";

/** Anthropic's API origin; the token endpoint is `/v1/oauth/token` under it. @public */
export const ANTHROPIC_API_URL = "https://api.anthropic.com";
/** The hosts an Anthropic bearer is sent to. @public */
export const ANTHROPIC_API_HOSTS: readonly string[] = Object.freeze(["api.anthropic.com"]);
/** The `aud` fedkit mints for Anthropic unless told otherwise (a federation rule's `match.audience`). @public */
export const ANTHROPIC_DEFAULT_AUDIENCE = "https://api.anthropic.com";
/** Beta flags the token exchange needs, as Anthropic's SDK sends them. */
const EXCHANGE_BETA = "oauth-2025-04-20,oidc-federation-2026-04-01";
/** The beta flag API requests with an OAuth bearer need. */
const API_BETA = "oauth-2025-04-20";
/** A federation issuer's default `max_jwt_lifetime_seconds`. */
const DEFAULT_MAX_JWT_LIFETIME = 3600;

/** Options of {@link anthropicProvider}. @public */
export interface AnthropicProviderOptions {
  /** The federation rule to evaluate (`fdrl_...`). */
  readonly federationRuleId: string;
  /** The organization's UUID. */
  readonly organizationId: string;
  /** The service account (`svac_...`); Anthropic's docs call it required, its SDKs send it only when set. */
  readonly serviceAccountId?: string;
  /** The workspace (`wrkspc_...` or `default`); needed when the rule covers several workspaces. */
  readonly workspaceId?: string;
  /** The `aud` the token must carry (the rule's `match.audience`). Default {@link ANTHROPIC_DEFAULT_AUDIENCE}. */
  readonly audience?: string;
  /**
   * The issuer's `max_jwt_lifetime_seconds` (default 3600): a longer-lived token is refused before sending.
   * Anthropic allows up to 176400 at registration.
   */
  readonly maxJwtLifetimeSeconds?: number;
  /** Another API origin (the emulator); it must also be in `allowedOrigins`. */
  readonly baseUrl?: string;
  /** Exact origins outside `api.anthropic.com` the subject token may go to. */
  readonly allowedOrigins?: readonly string[];
}

/**
 * The Anthropic provider: `grant_type` jwt-bearer, `assertion`, `federation_rule_id`, `organization_id` and the
 * optional `service_account_id` and `workspace_id`, as JSON with Anthropic's beta header. Refused before sending:
 * an assertion without `iat`, or one whose `exp - iat` exceeds `maxJwtLifetimeSeconds`.
 * A `jti` is single-use per issuer at Anthropic (unless the issuer disables `check_jti`): exchange each minted
 * token once, as the federation's cache does.
 *
 * @example
 * ```ts
 * const claude = anthropicProvider({
 *   federationRuleId: "fdrl_01abc",
 *   organizationId: "00000000-0000-0000-0000-000000000001",
 *   serviceAccountId: "svac_01def",
 * });
 * const { token } = await federation.getCredentials(claude);
 * ```
 * @public
 */
export function anthropicProvider(options: AnthropicProviderOptions): OAuthProvider {
  const provider = "anthropic";
  const federationRuleId = requireString(
    provider,
    "federationRuleId",
    options.federationRuleId,
    "Copy the federation rule's id (fdrl_...) from the console.",
  );
  const organizationId = requireString(
    provider,
    "organizationId",
    options.organizationId,
    "Copy the organization's UUID from the console.",
  );
  const maxLifetime = options.maxJwtLifetimeSeconds ?? DEFAULT_MAX_JWT_LIFETIME;
  if (!Number.isInteger(maxLifetime) || maxLifetime < 1 || maxLifetime > 176_400) {
    throw new TypeError(`maxJwtLifetimeSeconds must be an integer in 1..176400 (got ${maxLifetime})`);
  }
  const audience = options.audience ?? ANTHROPIC_DEFAULT_AUDIENCE;
  const base = (options.baseUrl ?? ANTHROPIC_API_URL).replace(/\/+$/, "");
  return grantProvider({
    provider,
    grantType: JWT_BEARER_GRANT,
    token: tokenEndpoint(provider, `${base}/v1/oauth/token`, ANTHROPIC_API_HOSTS, options.allowedOrigins),
    audience,
    encoding: "json",
    subjectParam: "assertion",
    params: {
      federation_rule_id: federationRuleId,
      organization_id: organizationId,
      service_account_id: options.serviceAccountId,
      workspace_id: options.workspaceId,
    },
    headers: { "anthropic-beta": EXCHANGE_BETA },
    trustHolder: `federation rule ${federationRuleId}`,
    target: {
      role: options.serviceAccountId ?? federationRuleId,
      client: federationRuleId,
      audience,
    },
    checkSubject: (subject) =>
      checkSubjectLimits(subject, {
        provider,
        maxLifetimeSeconds: maxLifetime,
        requiredClaims: ["iat", "exp", "sub"],
      }),
    extra: { federationRuleId, organizationId },
  });
}

/**
 * A `fetch` for the Anthropic API: the provider's bearer (with the `oauth-2025-04-20` beta flag an OAuth bearer
 * needs) on `https://api.anthropic.com` only, never through a redirect. Works as the official SDK's `fetch`.
 *
 * @example
 * ```ts
 * import Anthropic from "@anthropic-ai/sdk";
 * const client = new Anthropic({
 *   credentials: anthropicCredentials(federation, claude),
 *   fetch: anthropicFetch(federation, claude),
 * });
 * ```
 * @public
 */
export function anthropicFetch(
  federation: Pick<Federation, "getCredentials">,
  provider: OAuthProvider,
  options: ServiceFetchOptions = {},
): FetchFn {
  return bearerFetch(federation, provider, {
    ...options,
    officialHosts: ANTHROPIC_API_HOSTS,
    headers: { "anthropic-beta": API_BETA },
  });
}

/**
 * The official SDK's `credentials` callback (`AccessTokenProvider`): the federation's current bearer and when it
 * expires, in epoch seconds.
 *
 * @example
 * ```ts
 * import Anthropic from "@anthropic-ai/sdk";
 * new Anthropic({ credentials: anthropicCredentials(federation, claude), fetch: anthropicFetch(federation, claude) });
 * ```
 * @public
 */
export function anthropicCredentials(
  federation: Pick<Federation, "getCredentials">,
  provider: OAuthProvider,
): () => Promise<{ token: string; expiresAt: number }> {
  return async () => {
    const credentials = await federation.getCredentials(provider);
    return { token: credentials.token, expiresAt: Math.floor(credentials.expiresAt / 1000) };
  };
}

/** What to register at Anthropic (console, or the Admin API with an `org:admin` OAuth token). @public */
export interface AnthropicTrust {
  readonly service: "anthropic";
  /** `POST /v1/organizations/federation_issuers` body. */
  readonly federationIssuer: {
    readonly name: string;
    readonly issuer_url: string;
    readonly jwks:
      | { readonly type: "discovery" }
      | { readonly type: "inline"; readonly keys: readonly unknown[] };
    readonly check_jti: true;
    readonly max_jwt_lifetime_seconds: number;
  };
  /** The federation rule's fields (`match` and lifetime); choose the workspace and service account there. */
  readonly federationRule: {
    readonly name: string;
    readonly match: { readonly subject_prefix: string; readonly audience: string };
    readonly oauth_scope: "workspace:inference";
    readonly token_lifetime_seconds: number;
  };
  readonly notes: readonly string[];
}

/**
 * The Anthropic side of the trust: a federation issuer (discovery, or the keys inline) with `jti` replay checks
 * on, and a rule matching exactly one subject (or, for a pattern ending in `*`, that prefix) and the audience,
 * with the inference scope only.
 *
 * @example
 * ```ts
 * anthropicTrust({ issuer: "https://shop.example/oidc/production", subject: "site:5d1f:context:production:function:chat" });
 * ```
 * @public
 */
export function anthropicTrust(
  input: ServiceTrustInput & {
    readonly maxJwtLifetimeSeconds?: number;
    readonly tokenLifetimeSeconds?: number;
  },
): AnthropicTrust {
  const { issuer, subject, audience, name, jwks } = checkTrustInput(
    "anthropic",
    input,
    ANTHROPIC_DEFAULT_AUDIENCE,
    true,
  );
  const lifetime = input.tokenLifetimeSeconds ?? 3600;
  if (!Number.isInteger(lifetime) || lifetime < 60 || lifetime > 86_400) {
    throw new TypeError(`tokenLifetimeSeconds must be an integer in 60..86400 (got ${lifetime})`);
  }
  return {
    service: "anthropic",
    federationIssuer: {
      name,
      issuer_url: issuer,
      jwks: jwks === undefined ? { type: "discovery" } : { type: "inline", keys: jwks.keys },
      check_jti: true,
      max_jwt_lifetime_seconds: input.maxJwtLifetimeSeconds ?? DEFAULT_MAX_JWT_LIFETIME,
    },
    federationRule: {
      name,
      match: { subject_prefix: subject, audience },
      oauth_scope: "workspace:inference",
      token_lifetime_seconds: lifetime,
    },
    notes: [
      "subject_prefix without a trailing * matches the subject exactly; the issuer_url must equal the token's iss exactly.",
      "check_jti makes each token single-use for this issuer: a replayed token is refused.",
      ...(jwks === undefined ? [] : [INLINE_JWKS_ROTATION]),
    ],
  };
}
