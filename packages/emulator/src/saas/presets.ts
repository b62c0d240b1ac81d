/**
 * What each emulated service documents about its token endpoint: path, body encoding, grant, limits, token shape.
 * Sources are listed in docs/emulator.md ("SaaS token endpoints").
 *
 * @packageDocumentation
 */
import type { SaasPresetName } from "./config.js";

/**
 * The RFC 8693 §2.1 token-exchange grant type.
 * @example
 * ```ts
 * new URLSearchParams({ grant_type: GRANT_TOKEN_EXCHANGE, subject_token: jwt, subject_token_type: TOKEN_TYPE_JWT });
 * ```
 * @public
 */
export const GRANT_TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
/**
 * The RFC 7523 §2.1 JWT-bearer grant type.
 * @example
 * ```ts
 * new URLSearchParams({ grant_type: GRANT_JWT_BEARER, assertion: jwt });
 * ```
 * @public
 */
export const GRANT_JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/**
 * RFC 8693 §3 token type of a JWT subject token.
 * @example
 * ```ts
 * const body = { subject_token_type: TOKEN_TYPE_JWT };
 * ```
 * @public
 */
export const TOKEN_TYPE_JWT = "urn:ietf:params:oauth:token-type:jwt";
/**
 * RFC 8693 §3 token type of an OpenID Connect ID token.
 * @example
 * ```ts
 * const body = { subject_token_type: TOKEN_TYPE_ID_TOKEN };
 * ```
 * @public
 */
export const TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";
/**
 * RFC 8693 §3 token type of an OAuth access token (the `issued_token_type` of the answers here).
 * @example
 * ```ts
 * declare function useBearer(token: string): void; // your client
 * if (answer.issued_token_type === TOKEN_TYPE_ACCESS_TOKEN) useBearer(answer.access_token);
 * ```
 * @public
 */
export const TOKEN_TYPE_ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token";

/** The documented behaviour of one service's token endpoint. @internal */
export interface SaasPreset {
  readonly grantType: string;
  /** Path of the token endpoint under the service's base. */
  readonly tokenPath: string;
  readonly encodings: ReadonlyArray<"form" | "json">;
  /** Request fields naming the issuer and the binding (absent: every binding is tried). */
  readonly issuerParam?: string;
  readonly bindingParam?: string;
  /** Allowed `subject_token_type` values (RFC 8693 grants). */
  readonly subjectTokenTypes?: readonly string[];
  readonly algorithms: readonly string[];
  readonly requireKid: boolean;
  /** `iat` required (Anthropic rejects a missing iat). */
  readonly requireIat: boolean;
  readonly skewSeconds: number;
  /** Default `exp - iat` cap (undefined: none). */
  readonly maxAssertionLifetimeSeconds?: number;
  readonly checkJtiDefault: boolean;
  readonly defaultTokenLifetimeSeconds: number;
  /** Hard cap of the issued token's lifetime. */
  readonly maxTokenLifetimeSeconds: number;
  /** The issued token never outlives the exchanged JWT. */
  readonly capByAssertionExp: boolean;
  readonly issuedTokenType?: string;
  readonly tokenPrefix: string;
  /** Largest request body (OpenRouter: 32 KB, 413). */
  readonly maxBodyBytes?: number;
  /** Largest assertion (Anthropic, OpenRouter: 16 KiB). */
  readonly maxAssertionBytes?: number;
  /** Values `scope` may take (OpenRouter: only `inference`, else `invalid_scope`). */
  readonly allowedScopes?: readonly string[];
  /** Discovery/JWKS failures answer 503 `temporarily_unavailable` instead of `invalid_grant`. */
  readonly keyFetchFailureIsTransient: boolean;
}

const ASYMMETRIC = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

/** @internal */
export const PRESETS: Readonly<Record<Exclude<SaasPresetName, "vault">, SaasPreset>> = {
  // developers.openai.com/api/reference/workload-identity-federation
  openai: {
    grantType: GRANT_TOKEN_EXCHANGE,
    tokenPath: "/oauth/token",
    encodings: ["json"],
    issuerParam: "identity_provider_id",
    bindingParam: "service_account_id",
    subjectTokenTypes: [TOKEN_TYPE_JWT, TOKEN_TYPE_ID_TOKEN],
    algorithms: ASYMMETRIC,
    requireKid: true,
    requireIat: true,
    skewSeconds: 0,
    checkJtiDefault: false,
    defaultTokenLifetimeSeconds: 3600,
    maxTokenLifetimeSeconds: 3600,
    capByAssertionExp: true,
    issuedTokenType: TOKEN_TYPE_ACCESS_TOKEN,
    tokenPrefix: "emu-openai-wif-",
    keyFetchFailureIsTransient: false,
  },
  // platform.claude.com/docs/en/manage-claude/wif-reference
  anthropic: {
    grantType: GRANT_JWT_BEARER,
    tokenPath: "/v1/oauth/token",
    encodings: ["json"],
    bindingParam: "federation_rule_id",
    algorithms: ASYMMETRIC,
    requireKid: true,
    requireIat: true,
    skewSeconds: 30,
    maxAssertionLifetimeSeconds: 3600,
    checkJtiDefault: true,
    defaultTokenLifetimeSeconds: 3600,
    maxTokenLifetimeSeconds: 86400,
    capByAssertionExp: false,
    tokenPrefix: "sk-ant-oat01-emu-",
    maxAssertionBytes: 16 * 1024,
    keyFetchFailureIsTransient: false,
  },
  // openrouter.ai/docs/guides/overview/auth/workload-identity-federation
  openrouter: {
    grantType: GRANT_TOKEN_EXCHANGE,
    tokenPath: "/api/v1/oauth/token",
    encodings: ["form"],
    bindingParam: "federation_policy_id",
    subjectTokenTypes: [TOKEN_TYPE_JWT],
    algorithms: ["ES256", "RS256"],
    requireKid: false,
    requireIat: false,
    skewSeconds: 0,
    checkJtiDefault: false,
    defaultTokenLifetimeSeconds: 900,
    maxTokenLifetimeSeconds: 900,
    capByAssertionExp: true,
    issuedTokenType: TOKEN_TYPE_ACCESS_TOKEN,
    tokenPrefix: "emu-openrouter-",
    maxBodyBytes: 32 * 1024,
    maxAssertionBytes: 16 * 1024,
    allowedScopes: ["inference"],
    keyFetchFailureIsTransient: true,
  },
  // RFC 8693: form-encoded; every binding is tried.
  rfc8693: {
    grantType: GRANT_TOKEN_EXCHANGE,
    tokenPath: "/token",
    encodings: ["form"],
    subjectTokenTypes: [TOKEN_TYPE_JWT, TOKEN_TYPE_ID_TOKEN],
    algorithms: ASYMMETRIC,
    requireKid: false,
    requireIat: false,
    skewSeconds: 60,
    checkJtiDefault: false,
    defaultTokenLifetimeSeconds: 3600,
    maxTokenLifetimeSeconds: 3600,
    capByAssertionExp: true,
    issuedTokenType: TOKEN_TYPE_ACCESS_TOKEN,
    tokenPrefix: "emu-8693-",
    keyFetchFailureIsTransient: false,
  },
  // RFC 7523 §2.1: form-encoded `assertion`; the assertion's aud must name this server (§3).
  rfc7523: {
    grantType: GRANT_JWT_BEARER,
    tokenPath: "/token",
    encodings: ["form"],
    algorithms: ASYMMETRIC,
    requireKid: false,
    requireIat: false,
    skewSeconds: 60,
    checkJtiDefault: true,
    defaultTokenLifetimeSeconds: 3600,
    maxTokenLifetimeSeconds: 3600,
    capByAssertionExp: false,
    tokenPrefix: "emu-7523-",
    keyFetchFailureIsTransient: false,
  },
};
