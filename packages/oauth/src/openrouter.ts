/**
 * OpenRouter workload identity federation: an OIDC token exchanged (RFC 8693, form body) at
 * `https://openrouter.ai/api/v1/oauth/token` for a bearer of at most 15 minutes, sent only to
 * `https://openrouter.ai/api/`. Workload identity is enabled per organization on request. Facts and sources:
 * docs/saas.md.
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
import { checkTrustInput, type ServiceTrustInput } from "./service-trust.js";

/** OpenRouter's API origin; the token endpoint is `/api/v1/oauth/token` under it. @public */
export const OPENROUTER_API_URL = "https://openrouter.ai";
/** The hosts an OpenRouter bearer is sent to (under `/api/` only). @public */
export const OPENROUTER_API_HOSTS: readonly string[] = Object.freeze(["openrouter.ai"]);
/** The `aud` fedkit mints for OpenRouter unless told otherwise (a policy's audience). @public */
export const OPENROUTER_DEFAULT_AUDIENCE = "https://openrouter.ai";

/** Options of {@link openrouterProvider}. @public */
export interface OpenRouterProviderOptions {
  /** The federation policy to evaluate (Settings → Workload identity); it binds the exchange to one organization. */
  readonly federationPolicyId: string;
  /** The `aud` the token must carry: the policy's audience. Default {@link OPENROUTER_DEFAULT_AUDIENCE}. */
  readonly audience?: string;
  /** Another API origin (the emulator); it must also be in `allowedOrigins`. */
  readonly baseUrl?: string;
  /** Exact origins outside `openrouter.ai` the subject token may go to. */
  readonly allowedOrigins?: readonly string[];
}

/**
 * The OpenRouter provider: `grant_type` token exchange, `subject_token`, `subject_token_type` jwt,
 * `federation_policy_id`, `requested_token_type` access token and `scope` `inference`, form-encoded. Tokens over
 * 16 KB never get this far: core refuses subject tokens over 16384 characters.
 *
 * @example
 * ```ts
 * const router = openrouterProvider({ federationPolicyId: "4b2f7d1e-8c3a-4e5f-9a6b-1c2d3e4f5a6b" });
 * const { token } = await federation.getCredentials(router);
 * ```
 * @public
 */
export function openrouterProvider(options: OpenRouterProviderOptions): OAuthProvider {
  const provider = "openrouter";
  const federationPolicyId = requireString(
    provider,
    "federationPolicyId",
    options.federationPolicyId,
    "Copy the federation policy's id from Settings → Workload identity.",
  );
  const audience = options.audience ?? OPENROUTER_DEFAULT_AUDIENCE;
  const base = (options.baseUrl ?? OPENROUTER_API_URL).replace(/\/+$/, "");
  return grantProvider({
    provider,
    grantType: TOKEN_EXCHANGE_GRANT,
    token: tokenEndpoint(
      provider,
      `${base}/api/v1/oauth/token`,
      OPENROUTER_API_HOSTS,
      options.allowedOrigins,
    ),
    audience,
    encoding: "form",
    subjectParam: "subject_token",
    params: {
      subject_token_type: TOKEN_TYPES.jwt,
      federation_policy_id: federationPolicyId,
      requested_token_type: TOKEN_TYPES.accessToken,
      scope: "inference",
    },
    requestedTokenType: TOKEN_TYPES.accessToken,
    trustHolder: `federation policy ${federationPolicyId}`,
    target: { role: federationPolicyId, audience, scopes: ["inference"] },
    checkSubject: (subject) => checkSubjectLimits(subject, { provider, requiredClaims: ["sub", "exp"] }),
    extra: { federationPolicyId },
  });
}

/**
 * A `fetch` for the OpenRouter API: the provider's bearer on `https://openrouter.ai/api/...` only (the site's
 * other pages never see it), never through a redirect. Works as the `openai` SDK's `fetch` with
 * `baseURL: "https://openrouter.ai/api/v1"`.
 *
 * @example
 * ```ts
 * const api = openrouterFetch(federation, router);
 * await api("https://openrouter.ai/api/v1/chat/completions", { method: "POST", body });
 * ```
 * @public
 */
export function openrouterFetch(
  federation: Pick<Federation, "getCredentials">,
  provider: OAuthProvider,
  options: ServiceFetchOptions = {},
): FetchFn {
  return bearerFetch(federation, provider, {
    ...options,
    officialHosts: OPENROUTER_API_HOSTS,
    refuse: (url) => (url.pathname.startsWith("/api/") ? undefined : "only its /api/ paths are the API"),
  });
}

/** What to enter at OpenRouter (Settings → Workload identity). @public */
export interface OpenRouterTrust {
  readonly service: "openrouter";
  readonly issuer: { readonly name: string; readonly issuerUrl: string; readonly jwksUrl: null };
  readonly policy: { readonly subject: string; readonly audience: string; readonly scope: "inference" };
  readonly notes: readonly string[];
}

/**
 * The OpenRouter side of the trust: an issuer (keys by discovery) and a policy for exactly one subject and
 * audience. OpenRouter reads keys from the issuer's discovery document or a JWKS URL only, so the issuer must be
 * reachable.
 *
 * @example
 * ```ts
 * openrouterTrust({ issuer: "https://shop.example/oidc/production", subject: "site:5d1f:context:production:function:chat" });
 * ```
 * @public
 */
export function openrouterTrust(input: Omit<ServiceTrustInput, "jwks">): OpenRouterTrust {
  const { issuer, subject, audience, name } = checkTrustInput(
    "openrouter",
    input,
    OPENROUTER_DEFAULT_AUDIENCE,
    false,
  );
  return {
    service: "openrouter",
    issuer: { name, issuerUrl: issuer, jwksUrl: null },
    policy: { subject, audience, scope: "inference" },
    notes: [
      "Workload identity is enabled for an organization on request: ask OpenRouter before configuring it.",
      "Issued tokens live at most 15 minutes and are not revoked when the policy is paused; disable the target API key to cut inference off.",
    ],
  };
}
