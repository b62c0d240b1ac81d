/** The longest lifetime a minted token may have, in seconds. @public */
export const MAX_TOKEN_LIFETIME_SECONDS = 300;
/** How far `nbf` is set before `iat`, for verifiers whose clocks run behind. @public */
export const NOT_BEFORE_SKEW_SECONDS = 60;
/** How long verifiers may cache discovery and JWKS (`Cache-Control: max-age`); rotation timings assume it. @public */
export const ISSUER_CACHE_SECONDS = 300;
