/**
 * The credential cache contract: what the engine stores, and the optional cross-isolate coordination.
 *
 * @packageDocumentation
 */
import type { Credentials } from "./provider.js";
import type { MaybePromise } from "./runtime.js";

/** A cached credential with its timing. @public */
export interface CacheEntry<C extends Credentials = Credentials> {
  readonly credentials: C;
  readonly obtainedAt: number;
  /** Equals `credentials.expiresAt`. */
  readonly expiresAt: number;
  /** When a request should start a background refresh. */
  readonly refreshAt: number;
  readonly sessionName?: string;
}

/**
 * Where credentials are kept between requests. The key is a hash that already includes the verified subject
 * and every permission-affecting input, so a driver just stores by key.
 *
 * A driver that stores **outside the process** (a KV store, Netlify Blobs, Redis) must encrypt each entry with
 * AES-GCM using the cache key as associated data (use `encryptedCache` from `@fedkit/core/cache`) and set
 * `persistent: true`.
 * @public
 */
export interface CredentialCache {
  readonly name: string;
  /** True when entries leave the process; such drivers must encrypt. */
  readonly persistent?: boolean;
  get(key: string): MaybePromise<CacheEntry | undefined>;
  /** `ttlMs` is the time until the credentials expire; drivers may drop the entry after it. */
  set(key: string, entry: CacheEntry, ttlMs: number): MaybePromise<void>;
  delete(key: string): MaybePromise<void>;
  /**
   * Optional capability of a cache shared between isolates whose store has an atomic compare-and-set (Redis
   * `SET NX PX`): the engine takes a short lease before an exchange, so one isolate exchanges and the others
   * read its result. Caches without it exchange in every isolate that misses.
   */
  readonly coordination?: CacheCoordination;
}

/** A short exclusive claim on one cache key, held by one isolate while it exchanges. @public */
export interface CacheLease {
  /** Gives the claim up early (the store also expires it, so a crashed holder blocks nobody for long). */
  release(): Promise<void>;
}

/**
 * Cross-isolate single flight, offered by a {@link CredentialCache}: the engine calls `lease` on a miss or a
 * due refresh. With a lease it exchanges and stores; without one it reads the cache (and asks for the lease
 * again) every `pollMs` for up to `waitMs`, then exchanges itself. A `lease` that throws (store down) means:
 * exchange without coordination.
 * @public
 */
export interface CacheCoordination {
  /** Claims `key` for one exchange; `undefined` when another isolate holds it. */
  lease(key: string): Promise<CacheLease | undefined>;
  /** How long a follower waits for the holder's entry before exchanging itself. */
  readonly waitMs: number;
  /** How often a follower reads the cache while it waits. */
  readonly pollMs: number;
}
