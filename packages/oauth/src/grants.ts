/**
 * The OAuth grant and token type URNs of RFC 8693 and RFC 7523.
 *
 * @packageDocumentation
 */

/**
 * The RFC 8693 §2.1 token-exchange grant type.
 * @example
 * ```ts
 * tokenExchangeProvider({ tokenUrl, audience }).grantType === TOKEN_EXCHANGE_GRANT; // true
 * ```
 * @public
 */
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";

/**
 * The RFC 7523 §2.1 JWT-bearer authorization grant type.
 * @example
 * ```ts
 * jwtBearerProvider({ tokenUrl }).grantType === JWT_BEARER_GRANT; // true
 * ```
 * @public
 */
export const JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/**
 * RFC 8693 §3 token type URNs: what a subject token is and what is asked for.
 * @example
 * ```ts
 * tokenExchangeProvider({ tokenUrl, audience, subjectTokenType: TOKEN_TYPES.idToken });
 * ```
 * @public
 */
export const TOKEN_TYPES = Object.freeze({
  jwt: "urn:ietf:params:oauth:token-type:jwt",
  idToken: "urn:ietf:params:oauth:token-type:id_token",
  accessToken: "urn:ietf:params:oauth:token-type:access_token",
} as const);
