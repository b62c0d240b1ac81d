import type { IssuerAlgorithm, PublicJwk } from "./keyset.js";

// One string split at load: a shorter bundle than an array literal of twelve strings.
/** Claims the issuer itself sets on every token it mints: a caller's extra claims may not replace them. @internal */
export const ISSUER_SET_CLAIMS =
  "iss sub aud exp nbf iat jti site_id deploy_id context branch function".split(" ") as unknown as readonly [
    "iss",
    "sub",
    "aud",
    "exp",
    "nbf",
    "iat",
    "jti",
    "site_id",
    "deploy_id",
    "context",
    "branch",
    "function",
  ];

/** Claims the site issuer may put in a token, as advertised in discovery (`user_hash` comes with per-user tokens). @public */
export const SUPPORTED_CLAIMS = [...ISSUER_SET_CLAIMS, "user_hash"] as const;

/**
 * The OpenID Provider metadata of an issuer, as served at `<issuer>/.well-known/openid-configuration`.
 * `extraClaims` adds the claims clouds shape through the mint hook (AWS's session-tag claim) to
 * `claims_supported`.
 *
 * @example
 * ```ts
 * discoveryDocument("https://reports.example.com/oidc/production", ["RS256"]).jwks_uri;
 * // "https://reports.example.com/oidc/production/.well-known/jwks.json"
 * ```
 * @public
 */
export function discoveryDocument(
  issuer: string,
  algorithms: readonly IssuerAlgorithm[],
  extraClaims: readonly string[] = [],
) {
  return {
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    // Clouds only verify tokens; there is no authorization endpoint, but the metadata fields are required.
    authorization_endpoint: `${issuer}/authorize`,
    response_types_supported: ["id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...new Set(algorithms)],
    scopes_supported: ["openid"],
    claims_supported: [...new Set([...SUPPORTED_CLAIMS, ...extraClaims])],
  };
}

/**
 * A JWKS document of public keys only: members outside a public JWK (private parts, lifecycle notes such as
 * `staged_at`) never reach it.
 *
 * @example
 * ```ts
 * jwksDocument(keySet.publicKeys).keys[0]?.kid;
 * ```
 * @public
 */
export function jwksDocument(keys: readonly PublicJwk[]): { keys: PublicJwk[] } {
  return {
    keys: keys.map(({ kty, kid, alg, use, n, e, crv, x, y }) =>
      strip({ kty, kid, alg, use, n, e, crv, x, y }),
    ),
  };
}

function strip(jwk: Record<string, string | undefined>): PublicJwk {
  return Object.fromEntries(Object.entries(jwk).filter(([, v]) => v !== undefined)) as unknown as PublicJwk;
}
