/**
 * Lookup: the one hit path every source takes (static, verified, minted). Given a token and a provider it finds
 * the cache key (memoized per token object, so no hashing on a hit), reads the cache synchronously and returns
 * held credentials that are outside the safety margin, starting a background refresh when they are due.
 *
 * A front entry per provider remembers the last token served for it and until when it may be served again
 * without looking anything up: the earliest of the token's expiry, the safety margin and the refresh time.
 * Repeated calls thus cost a few comparisons and one clock read; the provider served last is checked first.
 *
 * @packageDocumentation
 */
import type { CredentialCache, Credentials, Provider, SubjectToken } from "../types.js";
import type { GetCredentialsOptions } from "./options.js";
import type { RefreshStarter } from "./refresh.js";
import type { Runtime } from "./runtime.js";

interface Front {
  readonly token: SubjectToken;
  readonly provider: Provider;
  readonly providerKey: string;
  readonly key: string;
  readonly credentials: Credentials;
  /** One already-resolved promise per front entry, shared by every hit: no allocation per call. */
  readonly promise: Promise<Credentials>;
  readonly until: number;
}

/** The hit path of one federation. @internal */
export type Lookup = ReturnType<typeof createLookup>;

/** Creates the hit path of one federation. @internal */
export function createLookup(rt: Runtime, refresh: RefreshStarter) {
  const skewMs = rt.policy.clockSkewSeconds * 1000;
  let last: Front | undefined;
  /**
   * Each provider's own front entry, so callers that alternate between targets (one request using two clouds)
   * each keep their synchronous hit. Weak: a provider dropped by its caller takes its entry with it.
   */
  const fronts = new WeakMap<Provider, Front>();
  /** The provider's front entry when it was served last for `token` (and the provider's key did not change). */
  const frontOf = (token: SubjectToken, provider: Provider) => {
    const front = last?.provider === provider ? last : fronts.get(provider);
    return front?.token === token && front.providerKey === provider.key ? front : undefined;
  };

  /** {@link hot} for a provider other than the one served last: its own front entry, then it is served last. */
  function hotOther(token: SubjectToken, provider: Provider, t: number): Promise<Credentials> | undefined {
    const front = frontOf(token, provider);
    if (front === undefined || !(t < front.until)) return undefined;
    last = front;
    return front.promise;
  }

  return {
    /**
     * The front entry's promise when (token, provider) is the last one served and `t` (the caller's clock
     * reading) is still before its deadline.
     */
    hot(token: SubjectToken, provider: Provider, t: number): Promise<Credentials> | undefined {
      // The provider served last answers with a few comparisons (small enough for callers to inline); another
      // provider's entry is looked up in `hotOther`.
      const front = last;
      return front !== undefined &&
        front.provider === provider &&
        front.token === token &&
        front.providerKey === provider.key &&
        t < front.until
        ? front.promise
        : hotOther(token, provider, t);
    },

    /**
     * Held credentials for (provider, token) if the key is known and they are outside the safety margin; else
     * `undefined` and the caller takes the slow path (key derivation, asynchronous caches, exchange).
     */
    held(
      provider: Provider,
      token: SubjectToken,
      call: GetCredentialsOptions,
      t: number = rt.now(),
    ): Credentials | undefined {
      const front = frontOf(token, provider);
      if (front !== undefined && t < front.until) return front.credentials;
      const key = front?.key ?? rt.keys.peek(token, provider);
      const { exp, nbf } = token.claims;
      // No exp, no held credentials: the slow path refuses such a token (checkTokenTimes).
      if (key === undefined || typeof exp !== "number") return undefined;
      const tokenUntil = exp * 1000 + skewMs;
      if (tokenUntil <= t || (typeof nbf === "number" && nbf * 1000 - skewMs > t)) return undefined;
      let entry: ReturnType<CredentialCache["get"]>;
      try {
        entry = rt.cache.get(key);
      } catch {
        return undefined;
      }
      const margin = rt.policy.safetyMarginMs;
      if (entry === undefined || entry instanceof Promise || t >= entry.expiresAt - margin) return undefined;
      const { credentials, refreshAt } = entry;
      if (t >= refreshAt) refresh(provider, token, key, call);
      else {
        last = {
          token,
          provider,
          providerKey: provider.key,
          key,
          credentials,
          promise: Promise.resolve(credentials),
          until: Math.min(tokenUntil, entry.expiresAt - margin, refreshAt),
        };
        fronts.set(provider, last);
      }
      return credentials;
    },
  };
}
