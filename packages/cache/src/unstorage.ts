/**
 * `@fedkit/cache/unstorage`: a shared credential-cache store on any unstorage driver (Cloudflare KV, Vercel
 * KV, Deno KV, filesystem, ...). unstorage has no compare-and-set, so this store offers no lease: every
 * isolate that misses exchanges once, then reads what the first one stored. Edge-safe: it wraps the
 * `Storage` you create and imports nothing from unstorage.
 *
 * @packageDocumentation
 */
import type { EncryptedCacheStorage } from "@fedkit/core/cache";

/** The methods of an unstorage `Storage` (`createStorage({ driver })`) the adapter calls. @public */
export interface UnstorageLike {
  getItem(key: string): Promise<unknown>;
  setItem(key: string, value: string, options?: { ttl?: number }): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/**
 * A storage for `encryptedCache` on an unstorage `Storage`. Items carry `ttl` (seconds) for drivers that honour
 * it (Cloudflare KV, Redis, Vercel KV); the cache checks expiry on read for the rest. unstorage normalises keys
 * (`/` becomes `:`), which keeps every context's records apart all the same.
 *
 * @example
 * ```ts
 * import { createStorage } from "unstorage";
 * import cloudflareKV from "unstorage/drivers/cloudflare-kv-binding";
 * const storage = unstorageStorage(createStorage({ driver: cloudflareKV({ binding: "FEDKIT_CACHE" }) }));
 * const cache = tieredCache({ shared: encryptedCache(storage, keys) });
 * ```
 * @public
 */
export function unstorageStorage(storage: UnstorageLike): EncryptedCacheStorage {
  if (typeof storage?.getItem !== "function" || typeof storage.setItem !== "function")
    throw new TypeError("unstorageStorage: pass an unstorage Storage, e.g. createStorage({ driver })");
  return {
    name: "unstorage",
    async getItem(key) {
      const value = await storage.getItem(key);
      // unstorage parses JSON-looking text; a sealed record never is, so anything else is not ours: a miss.
      return typeof value === "string" ? value : null;
    },
    async setItem(key, value, ttlMs) {
      await storage.setItem(key, value, { ttl: Math.max(1, Math.ceil(ttlMs / 1000)) });
    },
    removeItem: (key) => storage.removeItem(key),
  };
}
