/**
 * OpenAI workload identity federation: an OIDC token exchanged (RFC 8693, JSON body) at
 * `https://auth.openai.com/oauth/token` for a short-lived API bearer, sent only to `api.openai.com`.
 * Facts and sources: docs/saas.md.
 *
 * @packageDocumentation
 */
import type { Federation } from "@fedkit/core";
import { bearerFetch, type FetchFn, type ServiceFetchOptions } from "./bearer-fetch.js";
import { tokenEndpoint } from "./endpoint.js";
import { grantProvider, type OAuthProvider } from "./grant-provider.js";
import { TOKEN_EXCHANGE_GRANT, TOKEN_TYPES } from "./grants.js";
import { checkSubjectLimits } from "./limits.js";
import { requireString } from "./options.js";
import { checkTrustInput, INLINE_JWKS_ROTATION, type ServiceTrustInput } from "./service-trust.js";

/** OpenAI's token endpoint. @public */
export const OPENAI_TOKEN_URL = "https://auth.openai.com/oauth/token";
/** The hosts an OpenAI bearer is sent to. @public */
export const OPENAI_API_HOSTS: readonly string[] = Object.freeze(["api.openai.com"]);
/**
 * The `aud` fedkit mints for OpenAI unless told otherwise. OpenAI has no fixed audience: the workload identity
 * provider is registered with whatever audience you choose, and this is fedkit's choice.
 * @public
 */
export const OPENAI_DEFAULT_AUDIENCE = "https://api.openai.com/v1";

/** Options of {@link openaiProvider}. @public */
export interface OpenAIProviderOptions {
  /** The workload identity provider's id (`identity_provider_id`), from the organization's settings. */
  readonly identityProviderId: string;
  /** The service account whose mapping is resolved (`service_account_id`). */
  readonly serviceAccountId: string;
  /** The `aud` the token must carry: the identity provider's audience. Default {@link OPENAI_DEFAULT_AUDIENCE}. */
  readonly audience?: string;
  /** `jwt` (default) or `id_token`: the `subject_token_type` sent. */
  readonly subjectTokenType?: "jwt" | "id_token";
  /** Another token endpoint (the emulator); its origin must also be in `allowedOrigins`. */
  readonly tokenUrl?: string;
  /** Exact origins outside `auth.openai.com` the subject token may go to. */
  readonly allowedOrigins?: readonly string[];
}

/**
 * The OpenAI provider: `grant_type` token exchange, `subject_token`, `subject_token_type`,
 * `identity_provider_id` and `service_account_id` as JSON. No `scope` is sent: the mapping's permissions decide.
 * Tokens without `iat` are refused before sending (OpenAI requires it). The bearer lives at most an hour and
 * never past the subject token's `exp` (OpenAI's rule).
 *
 * @example
 * ```ts
 * const openai = openaiProvider({ identityProviderId: "wip_123", serviceAccountId: "svc_acct_456" });
 * const { token } = await federation.getCredentials(openai);
 * ```
 * @public
 */
export function openaiProvider(options: OpenAIProviderOptions): OAuthProvider {
  const provider = "openai";
  const identityProviderId = requireString(
    provider,
    "identityProviderId",
    options.identityProviderId,
    "Copy the workload identity provider's id from the organization's settings.",
  );
  const serviceAccountId = requireString(
    provider,
    "serviceAccountId",
    options.serviceAccountId,
    "Name the service account whose mapping trusts this workload.",
  );
  const audience = options.audience ?? OPENAI_DEFAULT_AUDIENCE;
  return grantProvider({
    provider,
    grantType: TOKEN_EXCHANGE_GRANT,
    token: tokenEndpoint(
      provider,
      options.tokenUrl ?? OPENAI_TOKEN_URL,
      ["auth.openai.com"],
      options.allowedOrigins,
    ),
    audience,
    encoding: "json",
    subjectParam: "subject_token",
    params: {
      subject_token_type: options.subjectTokenType === "id_token" ? TOKEN_TYPES.idToken : TOKEN_TYPES.jwt,
      identity_provider_id: identityProviderId,
      service_account_id: serviceAccountId,
    },
    trustHolder: `service account mapping of ${serviceAccountId} (identity provider ${identityProviderId})`,
    target: { role: serviceAccountId, client: identityProviderId, audience },
    checkSubject: (subject) =>
      checkSubjectLimits(subject, { provider, requiredClaims: ["iat", "sub", "exp"] }),
    extra: { identityProviderId, serviceAccountId },
  });
}

/**
 * A `fetch` for the OpenAI API: the provider's bearer on `https://api.openai.com` only, never through a
 * redirect. Works as the official SDK's `fetch` (any key the SDK sets is replaced).
 *
 * @example
 * ```ts
 * import OpenAI from "openai";
 * const client = new OpenAI({ apiKey: bearerToken(federation, openai), fetch: openaiFetch(federation, openai) });
 * ```
 * @public
 */
export function openaiFetch(
  federation: Pick<Federation, "getCredentials">,
  provider: OAuthProvider,
  options: ServiceFetchOptions = {},
): FetchFn {
  return bearerFetch(federation, provider, { ...options, officialHosts: OPENAI_API_HOSTS });
}

/** What to enter at OpenAI (Settings → Workload identity, or the Admin API). @public */
export interface OpenAITrust {
  readonly service: "openai";
  /** `POST /v1/organization/workload_identity_providers` body. */
  readonly workloadIdentityProvider: {
    readonly name: string;
    readonly type: "oidc";
    readonly issuer: string;
    readonly audience: string;
    readonly verification:
      | { readonly type: "discovery"; readonly discovery_url: null }
      | { readonly type: "uploaded_jwks"; readonly jwks: unknown };
  };
  /** The service account mapping: tokens of exactly this subject act as the service account. */
  readonly serviceAccountMapping: { readonly serviceAccountId: string; readonly subject: string };
  readonly notes: readonly string[];
}

/**
 * The OpenAI side of the trust: a workload identity provider for the issuer and audience, and a service account
 * mapping for exactly one subject.
 *
 * @example
 * ```ts
 * openaiTrust({ issuer: "https://shop.example/oidc/production", subject: "site:5d1f:context:production:function:chat", serviceAccountId: "svc_acct_456" });
 * ```
 * @public
 */
export function openaiTrust(input: ServiceTrustInput & { readonly serviceAccountId: string }): OpenAITrust {
  const { issuer, subject, audience, name, jwks } = checkTrustInput(
    "openai",
    input,
    OPENAI_DEFAULT_AUDIENCE,
    false,
  );
  return {
    service: "openai",
    workloadIdentityProvider: {
      name,
      type: "oidc",
      issuer,
      audience,
      verification:
        jwks === undefined ? { type: "discovery", discovery_url: null } : { type: "uploaded_jwks", jwks },
    },
    serviceAccountMapping: { serviceAccountId: input.serviceAccountId, subject },
    notes: [
      "Access tokens live at most one hour and never past the subject token's exp; there is no refresh token.",
      "Workload identity tokens cannot call Admin API endpoints; at most 50 providers per organization and 50 mappings per provider.",
      ...(jwks === undefined ? [] : [INLINE_JWKS_ROTATION]),
    ],
  };
}
