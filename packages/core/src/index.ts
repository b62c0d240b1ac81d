/**
 * `@fedkit/core`: the token-exchange engine shared by every fedkit provider and adapter.
 *
 * Every name is listed (no `export *`), so adding one to the public API is a visible, reviewed change. Helpers for
 * provider authors (byte and hash helpers, the default randomness) live in `@fedkit/core/provider`; contract
 * suites and the test signer in `@fedkit/core/testing`; Node-only code in `@fedkit/core/node`.
 *
 * @packageDocumentation
 */

export { type ConsoleAuditOptions, consoleAudit } from "./audit/console.js";
export { type EvictionAuditOptions, evictionAudit } from "./audit/evictions.js";
export { type MemoryAudit, memoryAudit } from "./audit/memory.js";
export {
  type AuthorizeContext,
  type AuthorizedFetch,
  type AuthorizedFetchOptions,
  authorizedFetch,
} from "./authorized-fetch.js";
export { type RedirectDetails, RedirectRefusedError } from "./authorized-fetch-answer.js";
export {
  type EncryptedCacheOptions,
  type EncryptedCacheStorage,
  encryptedCache,
  importCacheKey,
} from "./cache/encrypted.js";
export {
  type CacheKeyDocument,
  type CacheKeySet,
  generateCacheKeySet,
  type ImportCacheKeySetOptions,
  importCacheKeySet,
} from "./cache/keyset.js";
export { type MemoryCache, type MemoryCacheOptions, memoryCache } from "./cache/memory.js";
export { type CacheObservation, type TieredCacheOptions, tieredCache } from "./cache/tiered.js";
export { clockSkewHint, measureClockSkew } from "./clock-skew.js";
export { checkEndpoint, hostMatches, isLoopbackOrigin } from "./endpoints.js";
export { deriveCacheKey } from "./engine/keys.js";
export { DEFAULT_REFRESH_POLICY, type RefreshPolicy, resolveRefreshPolicy } from "./engine/policy.js";
export { redactResponse } from "./engine/redact.js";
export {
  FEDERATION_ERROR_CODES,
  FederationError,
  type FederationErrorCode,
  type FederationErrorDetails,
  isFederationError,
  MissingSubjectTokenError,
  type SubjectSummary,
  scrub,
} from "./errors.js";
export {
  createFederation,
  type Federation,
  type FederationLimits,
  type FederationOptions,
  type GetCredentialsOptions,
} from "./federation.js";
export { type CountingExchangeContext, createExchangeContext, type ExchangeContextOptions } from "./http.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy, resolveRetryPolicy } from "./retry.js";
export { callbackToken } from "./sources/callback.js";
export { chainSources } from "./sources/chain.js";
export { type EnvTokenOptions, envToken } from "./sources/env.js";
export { requestBearerToken } from "./sources/request.js";
export { staticToken } from "./sources/static.js";
export {
  type JwksSource,
  MAX_JWKS_BYTES,
  remoteJwks,
  type VerifyOptions,
  verifySubjectToken,
} from "./sources/verify.js";
export {
  checkTokenAudience,
  checkTokenTimes,
  DEFAULT_CLOCK_SKEW_SECONDS,
  decodeSubjectToken,
  MAX_SUBJECT_TOKEN_LENGTH,
  summarizeSubject,
} from "./tokens.js";
export type {
  AccessToken,
  AuditEvent,
  AuditEventType,
  AuditSink,
  AuditTarget,
  CacheCoordination,
  CacheEntry,
  CacheLease,
  CacheOutcome,
  Clock,
  CredentialCache,
  Credentials,
  EndpointRule,
  ExchangeContext,
  ExchangeResult,
  FetchLike,
  HttpRequest,
  HttpResponse,
  MaybePromise,
  Provider,
  RandomSource,
  Scheduler,
  SubjectToken,
  SubjectTokenSource,
  TokenClaims,
  TokenRequest,
  TokenTrust,
} from "./types.js";
