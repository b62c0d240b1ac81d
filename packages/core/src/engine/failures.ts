/**
 * Failure memory: which (subject, target) pairs failed recently, so that concurrent and repeated callers of the
 * same pair do not hammer a cloud that just refused them. A caller whose own pair has not been tried is never
 * refused: an outage seen by one subject only shortens the next subject's retries (one attempt, no backoff).
 *
 * @packageDocumentation
 */
import type { FederationError } from "../errors.js";
import type { Provider, SubjectToken } from "../types.js";
import type { KeyMemo } from "./keys.js";
import { NegativeCache, negativeClass, refusedByNegativeCache } from "./negative.js";
import type { RefreshPolicy } from "./policy.js";

/** Keys under which one (provider, token) pair's failures are remembered. @internal */
export interface FailureKeys {
  /** Token errors: per raw token, so a bad token never touches another token of the same subject. */
  readonly tokenKey: string;
  /** Availability errors: per (subject, target), i.e. per cache key. */
  readonly availabilityKey: string;
}

/** A remembered failure still in its backoff window. @internal */
export interface Remembered {
  readonly error: FederationError;
  readonly retryInMs: number;
}

/** The failure memory of one federation. @internal */
export class FailureMemory {
  private readonly negative: NegativeCache;
  /** Until when each provider (cloud + key) was last seen unavailable by a trusted subject. */
  private readonly outages = new Map<string, number>();

  constructor(
    private readonly keys: KeyMemo,
    private readonly policy: RefreshPolicy,
  ) {
    this.negative = new NegativeCache(policy);
  }

  /** The keys of (provider, token) whose cache key is `cacheKey`. */
  async keysOf(provider: Provider, token: SubjectToken, cacheKey: string): Promise<FailureKeys> {
    const tokenKey = `token\0${provider.cloud}\0${provider.key}\0${await this.keys.rawHash(token)}`;
    // The cache key already is (cloud, provider key, subject identity); for an unverified token the identity is
    // the raw token's hash, so a forged token's failures stay its own.
    return { tokenKey, availabilityKey: `availability\0${cacheKey}` };
  }

  /** The failure this pair is still backing off from, if any. */
  check(keys: FailureKeys, now: number): Remembered | undefined {
    return this.negative.check([keys.tokenKey, keys.availabilityKey], now);
  }

  /** The error a caller refused by a remembered failure receives. */
  refusal(remembered: Remembered): FederationError {
    return refusedByNegativeCache(remembered.error, remembered.retryInMs);
  }

  /**
   * Whether the provider was seen unavailable recently by a trusted subject: a new subject's exchange still
   * runs, with one attempt instead of retries. Unverified tokens never set this (anyone can send one).
   */
  providerStruggling(provider: Provider, now: number): boolean {
    const until = this.outages.get(providerId(provider));
    return until !== undefined && now < until;
  }

  /** Remembers a failed exchange under the key its error class belongs to. */
  recordFailure(
    provider: Provider,
    token: SubjectToken,
    keys: FailureKeys,
    error: FederationError,
    now: number,
  ) {
    const kind = negativeClass(error.code);
    if (kind === undefined) return;
    this.negative.record(kind === "token" ? keys.tokenKey : keys.availabilityKey, error, now);
    if (kind === "availability" && token.trust !== "unverified") {
      const id = providerId(provider);
      this.outages.delete(id);
      this.outages.set(id, now + this.policy.negativeTtlMs);
      while (this.outages.size > 256) this.outages.delete(this.outages.keys().next().value as string);
    }
  }

  /** Forgets the pair's failures, and the provider's outage, after a success. */
  recordSuccess(provider: Provider, keys: FailureKeys): void {
    this.negative.clear(keys.availabilityKey);
    this.negative.clear(keys.tokenKey);
    this.outages.delete(providerId(provider));
  }
}

function providerId(provider: Provider): string {
  return `${provider.cloud}\0${provider.key}`;
}
