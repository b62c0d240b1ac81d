/**
 * When cached credentials are refreshed, when they stop being handed out, and how long failures are remembered.
 *
 * @packageDocumentation
 */
import type { CacheEntry, Credentials, ExchangeResult, RandomSource } from "../types.js";
import { mergeNumbers } from "../util/numbers.js";
import { randomFraction } from "../util/random.js";

/**
 * Refresh and negative-caching policy of a federation. Defaults: {@link DEFAULT_REFRESH_POLICY}.
 * @public
 */
export interface RefreshPolicy {
  /**
   * A request starts a background refresh once this fraction of the credentials' lifetime has passed.
   * Default 0.75.
   */
  refreshFraction: number;
  /** Up to this fraction of the lifetime is taken off the refresh time at random, so keys spread out. Default 0.1. */
  jitterFraction: number;
  /** Credentials this close to expiry are never handed out; callers wait for fresh ones. Default 60000. */
  safetyMarginMs: number;
  /** How long a failed exchange is remembered at first (doubling per consecutive failure). Default 1000. */
  negativeTtlMs: number;
  /** Cap of that backoff. Default 30000. */
  maxNegativeTtlMs: number;
  /** Clock skew tolerated on the subject token's `exp`/`nbf`, in seconds. Default 60. */
  clockSkewSeconds: number;
}

/** The defaults of {@link RefreshPolicy}. @public */
export const DEFAULT_REFRESH_POLICY: Readonly<RefreshPolicy> = Object.freeze({
  refreshFraction: 0.75,
  jitterFraction: 0.1,
  safetyMarginMs: 60_000,
  negativeTtlMs: 1000,
  maxNegativeTtlMs: 30_000,
  clockSkewSeconds: 60,
});

/**
 * Merges a partial policy over the defaults and validates it.
 * @throws TypeError for a value out of range.
 * @public
 */
export function resolveRefreshPolicy(partial: Partial<RefreshPolicy> = {}): RefreshPolicy {
  return mergeNumbers(DEFAULT_REFRESH_POLICY, partial, "refresh", {
    refreshFraction: [0, 1],
    jitterFraction: [0, 1],
  });
}

/**
 * Turns an exchange result into a cache entry, choosing its refresh time: the provider's `refreshAt` if given,
 * else `refreshFraction` of the lifetime minus jitter; never later than the safety margin before expiry.
 * @internal
 */
export function makeEntry<C extends Credentials>(
  result: ExchangeResult<C>,
  obtainedAt: number,
  policy: RefreshPolicy,
  random: RandomSource,
): CacheEntry<C> {
  const expiresAt = result.credentials.expiresAt;
  const lifetime = expiresAt - obtainedAt;
  const jitter = randomFraction(random) * policy.jitterFraction * lifetime;
  const planned = result.refreshAt ?? obtainedAt + lifetime * policy.refreshFraction - jitter;
  const refreshAt = Math.max(obtainedAt, Math.min(planned, expiresAt - policy.safetyMarginMs));
  const entry: { -readonly [K in keyof CacheEntry<C>]: CacheEntry<C>[K] } = {
    credentials: result.credentials,
    obtainedAt,
    expiresAt,
    refreshAt,
  };
  if (result.sessionName !== undefined) entry.sessionName = result.sessionName;
  return entry;
}
