/**
 * The key of a shared credential cache: one per deploy context, carrying its `context` and `kid`, validated
 * like the site issuer's key set, so a preview's key can never open (or seal) production's records.
 *
 * @packageDocumentation
 */
import { FederationError } from "../errors.js";
import { base64url, base64urlDecode } from "../util/encoding.js";
import { defaultRandom } from "../util/random.js";

/**
 * The value of the cache-key environment variable (`FEDKIT_CACHE_KEY`), one per deploy context:
 * `{"v":1,"context":"production","kid":"cache-2026-12","key":"<32 bytes, base64url>"}`.
 * @public
 */
export interface CacheKeyDocument {
  readonly v: 1;
  /** The deploy context this key belongs to (`production`, `deploy-preview`, `branch-deploy`, ...). */
  readonly context: string;
  /** Names the key; it is bound into every record, so rotating to a new kid turns old records into misses. */
  readonly kid: string;
  /** 32 bytes of AES-256-GCM key material, base64url or base64. */
  readonly key: string;
}

/** A validated cache key document: the key is a non-extractable AES-GCM `CryptoKey`. @public */
export interface CacheKeySet {
  readonly context: string;
  readonly kid: string;
  readonly key: CryptoKey;
}

/** Options of {@link importCacheKeySet}. @public */
export interface ImportCacheKeySetOptions {
  /** The deploy context this code runs in; a document for another context is refused. */
  readonly context: string;
  /** Names the variable in errors. Default `FEDKIT_CACHE_KEY`. */
  readonly variable?: string;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

function configError(message: string, hint: string, cause?: unknown): FederationError {
  return new FederationError("config", message, {
    provider: "cache",
    hint,
    ...(cause === undefined ? {} : { cause }),
  });
}

/**
 * Validates and imports a cache key document. Every problem, including a document of another deploy context,
 * is a `config` {@link FederationError} naming the variable, never the key material.
 *
 * @throws FederationError with code `config`.
 * @example
 * ```ts
 * const keys = await importCacheKeySet(Netlify.env.get("FEDKIT_CACHE_KEY"), { context: Netlify.context.deploy.context });
 * const cache = encryptedCache(storage, keys, { issuer: "https://example.netlify.app/.well-known/fedkit/production" });
 * ```
 * @public
 */
export async function importCacheKeySet(
  text: string | undefined,
  options: ImportCacheKeySetOptions,
): Promise<CacheKeySet> {
  const variable = options.variable ?? "FEDKIT_CACHE_KEY";
  const hint = `Generate one per deploy context with generateCacheKeySet("<context>") and store it in ${variable} (Functions scope, secret, one value per deploy context).`;
  if (typeof options?.context !== "string" || !NAME.test(options.context)) {
    throw new TypeError(`importCacheKeySet: options.context must match ${NAME.source}, e.g. "production"`);
  }
  if (text === undefined || text.trim() === "")
    throw configError(`The cache key ${variable} is not set in this deploy context.`, hint);
  let doc: Partial<CacheKeyDocument> | null;
  try {
    doc = JSON.parse(text) as Partial<CacheKeyDocument> | null;
  } catch {
    // No cause: the parser's message quotes the start of the text (all of a short one), which is the secret.
    throw configError(`${variable} is not valid JSON.`, hint);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw configError(`${variable} must be a JSON object with "v", "context", "kid" and "key".`, hint);
  if (doc.v !== 1)
    throw configError(`${variable} has an unsupported version ${JSON.stringify(doc.v)}; expected 1.`, hint);
  if (typeof doc.context !== "string" || !NAME.test(doc.context))
    throw configError(`${variable}.context must name a deploy context (${NAME.source}).`, hint);
  if (doc.context !== options.context) {
    throw configError(
      `${variable} belongs to deploy context "${doc.context}", but this deploy runs in "${options.context}".`,
      `Each deploy context needs its own cache key: scope ${variable} to "${options.context}" with a key generated for it.`,
    );
  }
  if (typeof doc.kid !== "string" || !NAME.test(doc.kid))
    throw configError(`${variable}.kid must match ${NAME.source}.`, hint);
  let bytes: Uint8Array;
  try {
    bytes =
      typeof doc.key === "string"
        ? base64urlDecode(doc.key.trim().replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""))
        : new Uint8Array(0);
  } catch (cause) {
    throw configError(`${variable}.key is not base64.`, hint, cause);
  }
  if (bytes.byteLength !== 32)
    throw configError(`${variable}.key must hold 32 bytes, got ${bytes.byteLength}.`, hint);
  const key = await globalThis.crypto.subtle.importKey(
    "raw",
    bytes as Uint8Array<ArrayBuffer>,
    "AES-GCM",
    false,
    ["encrypt", "decrypt"],
  );
  bytes.fill(0);
  return { context: doc.context, kid: doc.kid, key };
}

/**
 * Generates a new cache key document (as JSON text) for `context`: store it as the context's
 * `FEDKIT_CACHE_KEY`. Randomness defaults to `crypto.getRandomValues`.
 *
 * @example
 * ```ts
 * const text = generateCacheKeySet("production"); // {"v":1,"context":"production","kid":"cache-…","key":"…"}
 * ```
 * @public
 */
export function generateCacheKeySet(
  context: string,
  options: { kid?: string; random?: (bytes: Uint8Array) => Uint8Array } = {},
): string {
  if (typeof context !== "string" || !NAME.test(context))
    throw new TypeError(`generateCacheKeySet: context must match ${NAME.source}, e.g. "production"`);
  const random = options.random ?? defaultRandom;
  const kid = options.kid ?? `cache-${base64url(random(new Uint8Array(6)))}`;
  if (!NAME.test(kid)) throw new TypeError(`generateCacheKeySet: kid must match ${NAME.source}`);
  const doc: CacheKeyDocument = { v: 1, context, kid, key: base64url(random(new Uint8Array(32))) };
  return JSON.stringify(doc);
}
