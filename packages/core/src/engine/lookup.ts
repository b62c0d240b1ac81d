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
import type { RefreshScheduler } from "./refresh.js";
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
export class Lookup {
  private front: Front | undefined;
  /**
   * Each provider's own front entry, so callers that alternate between targets (one request using two clouds)
   * each keep their synchronous hit. Weak: a provider dropped by its caller takes its entry with it.
   */
  private readonly fronts = new WeakMap<Provider, Front>();
  private readonly skewMs: number;

  constructor(
    private readonly rt: Runtime,
    private readonly refresh: RefreshScheduler,
  ) {
    this.skewMs = rt.policy.clockSkewSeconds * 1000;
  }

  /**
   * The front entry's promise when (token, provider) is the last one served and `t` (the caller's clock reading)
   * is still before its deadline.
   */
  hot(token: SubjectToken, provider: Provider, t: number): Promise<Credentials> | undefined {
    let front = this.front;
    if (front === undefined || front.provider !== provider) {
      front = this.fronts.get(provider);
      if (front === undefined) return undefined;
      this.front = front;
    }
    if (front.token === token && front.providerKey === provider.key && t < front.until) return front.promise;
    return undefined;
  }

  /**
   * Held credentials for (provider, token) if the key is known and they are outside the safety margin; else
   * `undefined` and the caller takes the slow path (key derivation, asynchronous caches, exchange).
   */
  held(
    provider: Provider,
    token: SubjectToken,
    call: GetCredentialsOptions,
    t: number = this.rt.now(),
  ): Credentials | undefined {
    const { rt } = this;
    const last = this.front;
    const front = last !== undefined && last.provider === provider ? last : this.fronts.get(provider);
    const same = front !== undefined && front.token === token && front.providerKey === provider.key;
    if (same && t < front.until) return front.credentials;
    const key = same ? front.key : rt.keys.peek(token, provider);
    if (key === undefined) return undefined;
    const { exp, nbf } = token.claims;
    // No exp, no held credentials: the slow path refuses such a token (checkTokenTimes).
    if (typeof exp !== "number") return undefined;
    const tokenUntil = exp * 1000 + this.skewMs;
    if (tokenUntil <= t || (typeof nbf === "number" && nbf * 1000 - this.skewMs > t)) return undefined;
    let entry: ReturnType<CredentialCache["get"]>;
    try {
      entry = rt.cache.get(key);
    } catch {
      return undefined;
    }
    const margin = rt.policy.safetyMarginMs;
    if (entry === undefined || entry instanceof Promise || t >= entry.expiresAt - margin) return undefined;
    if (t >= entry.refreshAt) {
      this.refresh.start(provider, token, key, call);
    } else {
      const credentials = entry.credentials;
      const fresh: Front = {
        token,
        provider,
        providerKey: provider.key,
        key,
        credentials,
        promise: Promise.resolve(credentials),
        until: Math.min(tokenUntil, entry.expiresAt - margin, entry.refreshAt),
      };
      this.front = fresh;
      this.fronts.set(provider, fresh);
    }
    return entry.credentials;
  }
}
