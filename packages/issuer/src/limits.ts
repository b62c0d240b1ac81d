/**
 * The longest lifetime a minted token may have, in seconds.
 *
 * @example
 * ```ts
 * createSiteIssuer({ siteUrl, siteId, context: "production", keys, lifetimeSeconds: MAX_TOKEN_LIFETIME_SECONDS });
 * ```
 * @public
 */
export const MAX_TOKEN_LIFETIME_SECONDS = 300;

/**
 * How far `nbf` is set before `iat`, for verifiers whose clocks run behind.
 *
 * @example
 * ```ts
 * token.claims.nbf === token.claims.iat! - NOT_BEFORE_SKEW_SECONDS; // true
 * ```
 * @public
 */
export const NOT_BEFORE_SKEW_SECONDS = 60;

/**
 * How long verifiers may cache discovery and JWKS (`Cache-Control: max-age`); rotation timings assume it.
 *
 * @example
 * ```ts
 * response.headers.get("cache-control"); // `public, max-age=${ISSUER_CACHE_SECONDS}`
 * ```
 * @public
 */
export const ISSUER_CACHE_SECONDS = 300;
