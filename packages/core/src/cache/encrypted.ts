/**
 * A credential cache over any key-value storage outside the process (Netlify Blobs, KV, Redis, unstorage),
 * with every entry sealed by AES-GCM. The cache key is the associated data, so an entry copied under another
 * key (another subject's) fails to decrypt instead of handing out someone else's credentials.
 *
 * @packageDocumentation
 */
import type { CacheEntry, CredentialCache, RandomSource } from "../types.js";
import { base64url, base64urlDecode, utf8 } from "../util/encoding.js";
import { defaultRandom } from "../util/random.js";

/** The storage an {@link encryptedCache} writes to: strings in, strings out. @public */
export interface EncryptedCacheStorage {
  getItem(key: string): Promise<string | null>;
  /** `ttlMs`: the storage may drop the item after it. */
  setItem(key: string, value: string, ttlMs: number): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/** Options of {@link encryptedCache}. @public */
export interface EncryptedCacheOptions {
  /** Prefix of storage keys. Default `"fedkit:"`. */
  prefix?: string;
  /** Randomness for IVs. Default `crypto.getRandomValues`. */
  random?: RandomSource;
}

const VERSION = "v1";

/**
 * Wraps `storage` as a {@link CredentialCache} (`persistent: true`) that encrypts each entry with AES-GCM
 * (random 96-bit IV, the cache key as associated data). Entries that fail to decrypt (wrong key, tampered,
 * moved) are treated as misses.
 *
 * @param key An AES-GCM `CryptoKey` (256-bit recommended), e.g. from {@link importCacheKey}.
 * @example
 * ```ts
 * const key = await importCacheKey(Netlify.env.get("FEDKIT_CACHE_KEY")!);
 * const cache = encryptedCache(blobsStorage, key);
 * ```
 * @public
 */
export function encryptedCache(
  storage: EncryptedCacheStorage,
  key: CryptoKey,
  options: EncryptedCacheOptions = {},
): CredentialCache {
  if (typeof storage?.getItem !== "function" || typeof storage.setItem !== "function") {
    throw new TypeError("encryptedCache: storage must have getItem, setItem and removeItem");
  }
  if (key?.algorithm?.name !== "AES-GCM")
    throw new TypeError("encryptedCache: key must be an AES-GCM CryptoKey");
  const prefix = options.prefix ?? "fedkit:";
  const random = options.random ?? defaultRandom;
  const subtle = () => globalThis.crypto.subtle;

  return {
    name: "encrypted",
    persistent: true,
    async get(cacheKey) {
      const sealed = await storage.getItem(prefix + cacheKey);
      if (sealed === null || sealed === undefined) return undefined;
      const [version, iv, data] = sealed.split(".");
      if (version !== VERSION || iv === undefined || data === undefined) return undefined;
      try {
        const plain = await subtle().decrypt(
          {
            name: "AES-GCM",
            iv: base64urlDecode(iv) as Uint8Array<ArrayBuffer>,
            additionalData: aad(cacheKey),
          },
          key,
          base64urlDecode(data) as Uint8Array<ArrayBuffer>,
        );
        return JSON.parse(new TextDecoder().decode(plain)) as CacheEntry;
      } catch {
        return undefined;
      }
    },
    async set(cacheKey, entry, ttlMs) {
      const iv = random(new Uint8Array(12));
      const data = await subtle().encrypt(
        { name: "AES-GCM", iv: iv as Uint8Array<ArrayBuffer>, additionalData: aad(cacheKey) },
        key,
        utf8(JSON.stringify(entry)) as Uint8Array<ArrayBuffer>,
      );
      await storage.setItem(
        prefix + cacheKey,
        `${VERSION}.${base64url(iv)}.${base64url(new Uint8Array(data))}`,
        ttlMs,
      );
    },
    async delete(cacheKey) {
      await storage.removeItem(prefix + cacheKey);
    },
  };
}

function aad(cacheKey: string): Uint8Array<ArrayBuffer> {
  return utf8(`fedkit-cache/${VERSION}/${cacheKey}`) as Uint8Array<ArrayBuffer>;
}

/**
 * Imports a 256-bit AES-GCM key for {@link encryptedCache} from base64url / base64 text (32 bytes) or raw bytes.
 * Generate one with `openssl rand -base64 32`.
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
