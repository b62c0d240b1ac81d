/**
 * Cache keys are a security boundary. A key is a hash over the provider's permission-affecting configuration
 * and the subject's identity. Identity comes from claims only when fedkit can believe them (`verified` or
 * `minted`); an `unverified` token is identified by a hash of the raw token, so a forged token that copies
 * someone's `sub` lands on a key of its own.
 *
 * @packageDocumentation
 */

import { checkTokenAudience } from "../tokens.js";
import type { Provider, SubjectToken } from "../types.js";
import { hashHex } from "../util/encoding.js";
import { getOrSet } from "../util/maps.js";

/** Claims that change with every token of the same identity; everything else may be mapped into permissions. */
const TEMPORAL_CLAIMS = new Set("iat exp nbf jti".split(" "));

const own = (object: object, name: string): unknown => Object.getOwnPropertyDescriptor(object, name)?.value;

/**
 * JSON with object keys sorted at every depth, so equal claim sets hash equally. Reads own enumerable properties
 * only (`__proto__`, `constructor` and `toString` claims included, nothing inherited); top-level names in `skip`
 * are left out.
 * @internal
 */
export function canonicalJson(value: unknown, skip?: ReadonlySet<string>): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    const members = skip === undefined ? keys : keys.filter((k) => !skip.has(k));
    return `{${members.map((k) => `${JSON.stringify(k)}:${canonicalJson(own(value, k))}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * The cache key of (provider, subject): every non-temporal claim of a trusted token, or the raw token's hash
 * (`rawHash`, asked for only then). Claims are read as own properties wherever the token came from (a claim named
 * `__proto__` counts like any other), with no copy of them made.
 */
function cacheKey(
  provider: Pick<Provider, "cloud" | "key">,
  token: SubjectToken,
  rawHash: () => string,
): string {
  const { trust } = token;
  const identity =
    trust === "verified" || trust === "minted"
      ? `claims:${trust}:${canonicalJson(token.claims, TEMPORAL_CLAIMS)}`
      : `raw:${rawHash()}`;
  return `fedkit:v1:${hashHex(JSON.stringify(["fedkit/cache-key/v1", provider.cloud, provider.key, identity]))}`;
}

/**
 * Derives the cache key of (provider, subject): `fedkit:v1:<sha256 hex>`.
 *
 * @example
 * ```ts
 * const key = await deriveCacheKey(aws, token);
 * ```
 * @public
 */
export async function deriveCacheKey(
  provider: Pick<Provider, "cloud" | "key">,
  token: SubjectToken,
  rawHash?: Promise<string>,
): Promise<string> {
  const raw = rawHash === undefined ? undefined : await rawHash;
  return cacheKey(provider, token, () => raw ?? hashHex(token.raw));
}

/** The key memo of one federation. @internal */
export type KeyMemo = ReturnType<typeof keyMemo>;

/**
 * Memoizes derived keys per token object and provider object, so the cache-hit path does no hashing. Runs the
 * audience check once per (token, provider) before a key exists. A provider whose key changed since (it should
 * not) is derived again rather than trusted.
 * @internal
 */
export function keyMemo() {
  const byToken = new WeakMap<SubjectToken, WeakMap<Provider, readonly [providerKey: string, key: string]>>();
  const rawHashes = new WeakMap<SubjectToken, string>();

  /** A hash of the raw token (unverified identities, token errors in the failure memory): one per token. */
  function rawHash(token: SubjectToken): string {
    return getOrSet(rawHashes, token, () => hashHex(token.raw));
  }

  /** The key if already derived. */
  function peek(token: SubjectToken, provider: Provider): string | undefined {
    const memo = byToken.get(token)?.get(provider);
    return memo?.[0] === provider.key ? memo[1] : undefined;
  }

  /** Checks the audience and derives (once) the key of (token, provider). */
  function derive(token: SubjectToken, provider: Provider): string {
    const known = peek(token, provider);
    if (known !== undefined) return known;
    checkTokenAudience(token, provider.audience, provider.cloud);
    const key = cacheKey(provider, token, () => rawHash(token));
    getOrSet(byToken, token, () => new WeakMap()).set(provider, [provider.key, key]);
    return key;
  }

  return { peek, derive, rawHash };
}
