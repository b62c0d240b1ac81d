/**
 * `@fedkit/oauth`: OAuth token endpoints as fedkit providers. The main entry has the generic RFC 8693 token
 * exchange and RFC 7523 JWT-bearer providers and the bearer `fetch`; the named services are subpaths
 * (`@fedkit/oauth/openai`, `/anthropic`, `/openrouter`); `@fedkit/netlify/openai` (and `/anthropic`, `/openrouter`)
 * make them Netlify targets.
 *
 * @packageDocumentation
 */

export {
  type BearerFetchOptions,
  bearerFetch,
  bearerToken,
  type FetchFn,
  type ServiceFetchOptions,
} from "./bearer-fetch.js";
export { type BodyEncoding, encodeTokenRequest, type TokenParams } from "./encode.js";
export type { OAuthProvider } from "./grant-provider.js";
export { JWT_BEARER_GRANT, TOKEN_EXCHANGE_GRANT, TOKEN_TYPES } from "./grants.js";
export { type JwtBearerOptions, jwtBearerProvider } from "./jwt-bearer.js";
export { type OAuthFailureContext, oauthFailure } from "./oauth-error.js";
export type { GrantOptions } from "./options.js";
export type { PublicJwks, ServiceTrustInput } from "./service-trust.js";
export { type TokenExchangeOptions, tokenExchangeProvider } from "./token-exchange.js";
