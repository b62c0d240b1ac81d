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
import { sha256Hex } from "../util/encoding.js";

/** Claims that change with every token of the same identity; everything else may be mapped into permissions. */
const TEMPORAL_CLAIMS = new Set(["iat", "exp", "nbf", "jti"]);

/**
 * JSON with object keys sorted at every depth, so equal claim sets hash equally. Reads own enumerable properties
 * only (`__proto__`, `constructor` and `toString` claims included, nothing inherited).
 * @internal
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(Object.getOwnPropertyDescriptor(value, k)?.value)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/**
 * The identity part of a cache key: every non-temporal claim of a trusted token, or the raw token's hash. The
 * claims are copied into a null-prototype object, so a claim named `__proto__` stays an own property (on a plain
 * `{}` the assignment would hit the prototype setter and the claim would silently drop out of the key).
 * @internal
 */
export async function subjectIdentity(token: SubjectToken, rawHash?: Promise<string>): Promise<string> {
  if (token.trust === "verified" || token.trust === "minted") {
    const claims: Record<string, unknown> = Object.create(null);
    for (const name of Object.keys(token.claims))
      if (!TEMPORAL_CLAIMS.has(name))
        claims[name] = Object.getOwnPropertyDescriptor(token.claims, name)?.value;
    return `claims:${token.trust}:${canonicalJson(claims)}`;
  }
  return `raw:${await (rawHash ?? sha256Hex(token.raw))}`;
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
  const identity = await subjectIdentity(token, rawHash);
  return `fedkit:v1:${await sha256Hex(JSON.stringify(["fedkit/cache-key/v1", provider.cloud, provider.key, identity]))}`;
}

interface Memo {
  readonly providerKey: string;
  value: string | Promise<string>;
}

/**
 * Memoizes derived keys per token object and provider object, so the cache-hit path does no hashing.
 * Also runs the audience check once per (token, provider) before a key exists.
 * @internal
 */
export class KeyMemo {
  private readonly byToken = new WeakMap<SubjectToken, WeakMap<Provider, Memo>>();
  private readonly rawHashes = new WeakMap<SubjectToken, Promise<string>>();

  /** The key if already derived, without any await. */
  peek(token: SubjectToken, provider: Provider): string | undefined {
    const memo = this.byToken.get(token)?.get(provider);
    // A provider whose key changed since (it should not) is derived again rather than trusted.
    if (memo === undefined || memo.providerKey !== provider.key || typeof memo.value !== "string")
      return undefined;
    return memo.value;
  }

  /** Checks the audience and derives (once) the key of (token, provider). */
  derive(token: SubjectToken, provider: Provider): Promise<string> {
    let perProvider = this.byToken.get(token);
    if (perProvider === undefined) {
      perProvider = new WeakMap();
      this.byToken.set(token, perProvider);
    }
    const known = perProvider.get(provider);
    if (known !== undefined && known.providerKey === provider.key) return Promise.resolve(known.value);
    checkTokenAudience(token, provider.audience, provider.cloud);
    // The raw hash is shared with the negative cache's keys: one digest per token, not two.
    const derived = deriveCacheKey(provider, token, this.rawHash(token));
    const memo: Memo = { providerKey: provider.key, value: derived };
    perProvider.set(provider, memo);
    const map = perProvider;
    derived.then(
      (key) => {
        memo.value = key;
      },
      () => map.delete(provider),
    );
    return derived;
  }

  /** A hash of the raw token, for keying token errors in the negative cache. */
  rawHash(token: SubjectToken): Promise<string> {
    let hash = this.rawHashes.get(token);
    if (hash === undefined) {
      hash = sha256Hex(token.raw);
      this.rawHashes.set(token, hash);
    }
    return hash;
  }
}
