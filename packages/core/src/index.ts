/**
 * `@fedkit/core`: the token-exchange engine shared by every fedkit provider and adapter.
 *
 * @packageDocumentation
 */

export * from "./audit/console.js";
export { type EvictionAuditOptions, evictionAudit } from "./audit/evictions.js";
export * from "./audit/memory.js";
export {
  type AuthorizeContext,
  type AuthorizedFetch,
  type AuthorizedFetchOptions,
  authorizedFetch,
} from "./authorized-fetch.js";
export { type RedirectDetails, RedirectRefusedError } from "./authorized-fetch-answer.js";
export * from "./cache/encrypted.js";
export * from "./cache/keyset.js";
export * from "./cache/memory.js";
export * from "./cache/tiered.js";
export { clockSkewHint, measureClockSkew } from "./clock-skew.js";
export * from "./endpoints.js";
export { deriveCacheKey } from "./engine/keys.js";
export { DEFAULT_REFRESH_POLICY, type RefreshPolicy, resolveRefreshPolicy } from "./engine/policy.js";
export { redactResponse } from "./engine/redact.js";
export * from "./errors.js";
export * from "./federation.js";
export * from "./http.js";
export * from "./retry.js";
export * from "./sources/callback.js";
export * from "./sources/chain.js";
export * from "./sources/env.js";
export * from "./sources/request.js";
export * from "./sources/static.js";
export * from "./sources/verify.js";
export * from "./tokens.js";
export type * from "./types.js";
export { base64url, base64urlDecode, sha256Hex, toHex, utf8 } from "./util/encoding.js";
export { defaultRandom } from "./util/random.js";
export { parseRetryAfter } from "./util/time.js";
