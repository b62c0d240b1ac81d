/**
 * `@fedkit/core`: the token-exchange engine shared by every fedkit provider and adapter.
 *
 * Every name is listed (no `export *`), so adding one to the public API is a visible, reviewed change. The main entry
 * holds what an application uses: `createFederation`, token sources, caches, audit sinks, errors and the interfaces an
 * application implements. Everything a provider or adapter author needs (host rules, the exchange context, token
 * checks, policies' resolvers, redaction, byte helpers) lives in `@fedkit/core/provider`; contract
 * suites and the test signer in `@fedkit/core/testing`; Node-only code in `@fedkit/core/node`.
 *
 * @packageDocumentation
 */

export { type ConsoleAuditOptions, consoleAudit } from "./audit/console.js";
export { type EvictionAuditOptions, evictionAudit } from "./audit/evictions.js";
export { type MemoryAudit, memoryAudit } from "./audit/memory.js";
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
export type { RefreshPolicy } from "./engine/policy.js";
export {
  FEDERATION_ERROR_CODES,
  FederationError,
  type FederationErrorCode,
  type FederationErrorDetails,
  isFederationError,
  MissingSubjectTokenError,
  type SubjectSummary,
} from "./errors.js";
export {
  createFederation,
  type Federation,
  type FederationLimits,
  type FederationOptions,
  type GetCredentialsOptions,
} from "./federation.js";
export type { RetryPolicy } from "./retry.js";
export { callbackToken } from "./sources/callback.js";
export { chainSources } from "./sources/chain.js";
export { type EnvTokenOptions, envToken } from "./sources/env.js";
export { requestBearerToken } from "./sources/request.js";
export { staticToken } from "./sources/static.js";
export {
  type JwksSource,
  remoteJwks,
  type VerifyOptions,
  verifySubjectToken,
} from "./sources/verify.js";
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
  FetchLike,
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
