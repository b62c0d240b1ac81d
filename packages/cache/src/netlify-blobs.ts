/**
 * `@fedkit/cache/netlify-blobs`: a shared credential-cache store on Netlify Blobs, site-wide and read with
 * strong consistency. Blobs have no TTL, so the cache checks expiry on read. Conditional writes
 * (`onlyIfNew`, `onlyIfMatch`) give a lease on the real service; see docs/scaling.md for what the local
 * server proves and what it does not. Edge-safe: it wraps the `Store` you get from `getStore`.
 *
 * @packageDocumentation
 */

import type { Clock, RandomSource } from "@fedkit/core";
import type { CacheCoordination, EncryptedCacheStorage } from "@fedkit/core/cache";
import { defaultRandom, toHex } from "@fedkit/core/provider";

/** What a conditional write of `@netlify/blobs` answers. @public */
export interface BlobsWriteResult {
  readonly modified: boolean;
  readonly etag?: string;
}

/** The methods of a Netlify Blobs `Store` (`getStore({ name, consistency: "strong" })`) the driver calls. @public */
export interface BlobsStoreLike {
  get(key: string, options: { type: "text" }): Promise<string | null>;
  getWithMetadata(
    key: string,
    options: { type: "text" },
  ): Promise<{ data: string; etag?: string | undefined } | null>;
  set(
    key: string,
    data: string,
    options?: { onlyIfNew?: boolean; onlyIfMatch?: string },
  ): Promise<BlobsWriteResult>;
  delete(key: string): Promise<void>;
}

/** Options of {@link netlifyBlobsStorage}. @public */
export interface NetlifyBlobsStorageOptions {
  /**
   * Offer cross-isolate single flight through conditional writes. Default `true`. The lease is only as atomic as
   * the service's conditional writes; without it, every isolate that misses exchanges once.
   */
  lease?: boolean;
  /** A lease expires after this long (checked by readers' clocks). Default 15000. */
  leaseTtlMs?: number;
  /** A follower waits this long for the holder's entry. Default 10000 (past the engine's 8 s exchange deadline). */
  waitMs?: number;
  /** A follower reads the cache this often while it waits. Default 100. */
  pollMs?: number;
  /** Default `Date.now`. */
  now?: Clock;
  /** Randomness for lease tokens. Default `crypto.getRandomValues`. */
  random?: RandomSource;
}

interface LeaseRecord {
  readonly token: string;
  readonly until: number;
}

function parseLease(text: string | undefined): LeaseRecord | undefined {
  try {
    const value = JSON.parse(text ?? "") as Partial<LeaseRecord>;
    return typeof value.token === "string" && typeof value.until === "number"
      ? (value as LeaseRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A storage for `encryptedCache` on a Netlify Blobs store. Use a store of its own with strong consistency.
 *
 * @example
 * ```ts
 * import { getStore } from "@netlify/blobs";
 * const storage = netlifyBlobsStorage(getStore({ name: "fedkit-cache", consistency: "strong" }));
 * const cache = tieredCache({ shared: encryptedCache(storage, keys) });
 * ```
 * @public
 */
export function netlifyBlobsStorage(
  store: BlobsStoreLike,
  options: NetlifyBlobsStorageOptions = {},
): EncryptedCacheStorage {
  if (
    typeof store?.get !== "function" ||
    typeof store.set !== "function" ||
    typeof store.delete !== "function"
  )
    throw new TypeError('netlifyBlobsStorage: pass a Store from getStore({ name, consistency: "strong" })');
  const leaseTtlMs = options.leaseTtlMs ?? 15_000;
  const now = options.now ?? (() => Date.now());
  const random = options.random ?? defaultRandom;

  async function read(key: string) {
    const current = await store.getWithMetadata(key, { type: "text" });
    return { etag: current?.etag, held: parseLease(current?.data) };
  }

  async function lease(key: string) {
    const token = toHex(random(new Uint8Array(16)));
    const record = JSON.stringify({ token, until: now() + leaseTtlMs });
    if (!(await store.set(key, record, { onlyIfNew: true })).modified) {
      // Held, or left behind by a holder that crashed: take it over only once it expired.
      const { etag, held } = await read(key);
      if (held !== undefined && held.until > now()) return undefined;
      if (etag !== undefined) {
        // The service returns ETags on reads: replace exactly the record we saw expire.
        if (!(await store.set(key, record, { onlyIfMatch: etag })).modified) return undefined;
      } else {
        // No ETag on reads (the local BlobsServer): delete the expired record and compete for a new one. Two
        // isolates racing here can both win, which costs one extra exchange, never a wrong credential.
        await store.delete(key);
        if (!(await store.set(key, record, { onlyIfNew: true })).modified) return undefined;
      }
    }
    return {
      async release() {
        // Only our own record: a holder that outlived its lease must not free a later holder's.
        if ((await read(key)).held?.token === token) await store.delete(key);
      },
    };
  }

  const coordination: CacheCoordination | undefined =
    options.lease === false
      ? undefined
      : { lease, waitMs: options.waitMs ?? 10_000, pollMs: options.pollMs ?? 100 };
  return {
    name: "netlify-blobs",
    async getItem(key) {
      const value = await store.get(key, { type: "text" });
      return typeof value === "string" ? value : null;
    },
    // Blobs keep items until deleted; the cache checks expiry on read and overwrites on refresh.
    async setItem(key, value) {
      await store.set(key, value);
    },
    removeItem: (key) => store.delete(key),
    ...(coordination === undefined ? {} : { coordination }),
  };
}
