/**
 * `@fedkit/core/cache`: the credential caches fedkit ships and what a cache driver is written against.
 *
 * `createFederation` keeps credentials in a `memoryCache()` unless told otherwise, so most applications never
 * import this entry. Import it to size the in-memory cache, to share credentials between isolates
 * (`tieredCache` over an `encryptedCache` whose store comes from `@fedkit/cache`, with keys from
 * `importCacheKeySet`), or to write a cache of your own (`CredentialCache`, `CacheEntry`, `CacheCoordination`).
 *
 * @example
 * ```ts
 * import { createFederation, envToken } from "@fedkit/core";
 * import { memoryCache } from "@fedkit/core/cache";
 *
 * const federation = createFederation({ source: envToken("FEDKIT_TOKEN"), cache: memoryCache({ max: 200 }) });
 * ```
 *
 * @packageDocumentation
 */

export type { CacheCoordination, CacheEntry, CacheLease, CredentialCache } from "../types.js";
export {
  type EncryptedCacheOptions,
  type EncryptedCacheStorage,
  encryptedCache,
  importCacheKey,
} from "./encrypted.js";
export {
  type CacheKeyDocument,
  type CacheKeySet,
  generateCacheKeySet,
  type ImportCacheKeySetOptions,
  importCacheKeySet,
} from "./keyset.js";
export { type MemoryCache, type MemoryCacheOptions, memoryCache } from "./memory.js";
export { type CacheObservation, type TieredCacheOptions, tieredCache } from "./tiered.js";
