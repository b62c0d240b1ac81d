/**
 * A credential cache over any key-value storage outside the process (Redis, Netlify Blobs, unstorage), with
 * every record sealed by AES-GCM. The associated data binds a record to its deploy context, the issuer, the key
 * id and the cache key: a record copied under another subject's key, or into another context, fails to decrypt
 * and is a miss instead of someone else's credentials.
 *
 * @packageDocumentation
 */
import type { CacheCoordination, CacheEntry, Clock, CredentialCache, RandomSource } from "../types.js";
import { base64url, base64urlDecode, utf8 } from "../util/encoding.js";
import { defaultRandom } from "../util/random.js";
import type { CacheKeySet } from "./keyset.js";

/** The storage an {@link encryptedCache} writes to: strings in, strings out. @public */
export interface EncryptedCacheStorage {
  /** A short name for audit events and metrics (`redis`, `netlify-blobs`, `unstorage`). Default `storage`. */
  readonly name?: string;
  getItem(key: string): Promise<string | null>;
  /** `ttlMs`: the storage may drop the item after it (stores without TTLs keep it; reads check expiry). */
  setItem(key: string, value: string, ttlMs: number): Promise<void>;
  removeItem(key: string): Promise<void>;
  /** Cross-isolate single flight over storage keys, where the store has an atomic compare-and-set. */
  readonly coordination?: CacheCoordination;
}

/** Options of {@link encryptedCache}. @public */
export interface EncryptedCacheOptions {
  /** Prefix of storage keys; the key set's context follows it. Default `"fedkit:"`. */
  prefix?: string;
  /** The site issuer (or any name of the trust domain) bound into every record. Default `""`. */
  issuer?: string;
  /** Randomness for IVs. Default `crypto.getRandomValues`. */
  random?: RandomSource;
  /** Clock for the expiry check on read. Default `Date.now`. */
  now?: Clock;
  /** Records this close to expiry are misses (stores like Netlify Blobs have no TTL). Default 60000. */
  safetyMarginMs?: number;
}

const VERSION = "v2";

/**
 * Wraps `storage` as a {@link CredentialCache} (`persistent: true`) that seals each record with AES-GCM (random
 * 96-bit IV). Pass a {@link CacheKeySet} (from {@link importCacheKeySet}) for a store that several deploy
 * contexts can reach: records then live under `<prefix><context>/` and the context, issuer, kid and cache key
 * are the associated data. A bare `CryptoKey` (from {@link importCacheKey}) suits a store only one context can
 * reach. Records that fail to decrypt (other key or context, moved, tampered), carry another kid, or are within
 * `safetyMarginMs` of expiry are misses, never errors.
 *
 * @example
 * ```ts
 * const keys = await importCacheKeySet(Netlify.env.get("FEDKIT_CACHE_KEY"), { context: "production" });
 * const cache = encryptedCache(storage, keys, { issuer: "https://example.netlify.app/.well-known/fedkit/production" });
 * ```
 * @public
 */
export function encryptedCache(
  storage: EncryptedCacheStorage,
  keys: CacheKeySet | CryptoKey,
  options: EncryptedCacheOptions = {},
): CredentialCache {
  if (
    typeof storage?.getItem !== "function" ||
    typeof storage.setItem !== "function" ||
    typeof storage.removeItem !== "function"
  ) {
    throw new TypeError("encryptedCache: storage must have getItem, setItem and removeItem");
  }
  const set: CacheKeySet = isCryptoKey(keys) ? { context: "", kid: "", key: keys } : keys;
  if (set?.key?.algorithm?.name !== "AES-GCM")
    throw new TypeError(
      "encryptedCache: pass a CacheKeySet from importCacheKeySet (or an AES-GCM CryptoKey)",
    );
  const safetyMarginMs = options.safetyMarginMs ?? 60_000;
  if (!Number.isFinite(safetyMarginMs) || safetyMarginMs < 0)
    throw new TypeError(`encryptedCache: safetyMarginMs must be a number >= 0, got ${safetyMarginMs}`);
  const prefix = (options.prefix ?? "fedkit:") + (set.context === "" ? "" : `${set.context}/`);
  const issuer = options.issuer ?? "";
  const random = options.random ?? defaultRandom;
  const now = options.now ?? (() => Date.now());
  const subtle = () => globalThis.crypto.subtle;
  const aad = (cacheKey: string) =>
    utf8(
      ["fedkit-cache", VERSION, set.context, issuer, set.kid, cacheKey].join("\0"),
    ) as Uint8Array<ArrayBuffer>;

  const coordination = storage.coordination;
  return {
    name: `encrypted:${storage.name ?? "storage"}`,
    persistent: true,
    async get(cacheKey) {
      const sealed = await storage.getItem(prefix + cacheKey);
      if (typeof sealed !== "string") return undefined;
      const [version, kid, iv, data, extra] = sealed.split(".");
      if (
        version !== VERSION ||
        kid !== set.kid ||
        iv === undefined ||
        data === undefined ||
        extra !== undefined
      )
        return undefined;
      let entry: CacheEntry;
      try {
        const plain = await subtle().decrypt(
          {
            name: "AES-GCM",
            iv: base64urlDecode(iv) as Uint8Array<ArrayBuffer>,
            additionalData: aad(cacheKey),
          },
          set.key,
          base64urlDecode(data) as Uint8Array<ArrayBuffer>,
        );
        entry = JSON.parse(new TextDecoder().decode(plain)) as CacheEntry;
      } catch {
        return undefined;
      }
      if (!isEntry(entry) || now() >= entry.expiresAt - safetyMarginMs) return undefined;
      return entry;
    },
    async set(cacheKey, entry, ttlMs) {
      const iv = random(new Uint8Array(12));
      const data = await subtle().encrypt(
        { name: "AES-GCM", iv: iv as Uint8Array<ArrayBuffer>, additionalData: aad(cacheKey) },
        set.key,
        utf8(JSON.stringify(entry)) as Uint8Array<ArrayBuffer>,
      );
      const sealed = `${VERSION}.${set.kid}.${base64url(iv)}.${base64url(new Uint8Array(data))}`;
      await storage.setItem(prefix + cacheKey, sealed, ttlMs);
    },
    async delete(cacheKey) {
      await storage.removeItem(prefix + cacheKey);
    },
    ...(coordination === undefined
      ? {}
      : {
          coordination: {
            lease: (cacheKey: string) => coordination.lease(`${prefix}lease/${cacheKey}`),
            waitMs: coordination.waitMs,
            pollMs: coordination.pollMs,
          },
        }),
  };
}

/** A key set names its context and kid; a bare WebCrypto key does not. */
function isCryptoKey(value: CacheKeySet | CryptoKey): value is CryptoKey {
  return typeof value === "object" && value !== null && !("kid" in value);
}

function isEntry(value: unknown): value is CacheEntry {
  const entry = value as Partial<CacheEntry> | null;
  return (
    typeof entry === "object" &&
    entry !== null &&
    typeof entry.expiresAt === "number" &&
    typeof entry.refreshAt === "number" &&
    typeof entry.obtainedAt === "number" &&
    typeof entry.credentials === "object" &&
    entry.credentials !== null &&
    typeof entry.credentials.kind === "string"
  );
}

/**
 * Imports a 256-bit AES-GCM key for {@link encryptedCache} from base64url / base64 text (32 bytes) or raw bytes.
 * For a store that several deploy contexts reach, prefer {@link importCacheKeySet}, which also binds the context.
 *
 * @throws TypeError when the material is not 32 bytes.
 * @example
 * ```ts
 * const key = await importCacheKey(process.env.FEDKIT_CACHE_KEY!);
 * ```
 * @public
 */
export async function importCacheKey(material: string | Uint8Array): Promise<CryptoKey> {
  const bytes =
    typeof material === "string"
      ? base64urlDecode(material.trim().replace(/\+/g, "-").replace(/\//g, "_"))
      : material;
  if (bytes.byteLength !== 32)
    throw new TypeError(`importCacheKey: need 32 bytes of key material, got ${bytes.byteLength}`);
  return globalThis.crypto.subtle.importKey("raw", bytes as Uint8Array<ArrayBuffer>, "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
}
