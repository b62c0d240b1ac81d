/**
 * Failure memory: which (subject, target) pairs failed recently, so that concurrent and repeated callers of the
 * same pair do not hammer a cloud that just refused them. Token errors are remembered per raw token (and
 * provider), so a bad token never touches another token of the same subject; availability errors per
 * (subject, target), i.e. per cache key. A caller whose own pair has not been tried is never refused: an outage
 * seen by one trusted subject only shortens the next subject's retries (one attempt, no backoff). Each failure
 * is remembered with exponential backoff (`negativeTtlMs`, doubling, capped by `maxNegativeTtlMs`).
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorCode } from "../errors.js";
import type { Provider, SubjectToken } from "../types.js";
import { setBounded } from "../util/maps.js";
import type { KeyMemo } from "./keys.js";
import type { RefreshPolicy } from "./policy.js";

const AVAILABILITY_ERRORS = new Set("throttled timeout network provider_unavailable bad_response".split(" "));
/** Errors of the caller's own making or choosing: nothing about the token or the cloud to remember. */
const UNREMEMBERED_ERRORS = new Set(["config", "endpoint_refused", "aborted"]);

/**
 * Which memory an error belongs in, or none (config, endpoint, aborted). Every other code is about the token or
 * the trust it asks for (invalid, expired, audience, subject, issuer, denied, invalid request, policy refused).
 * @internal
 */
export function negativeClass(code: FederationErrorCode): "token" | "availability" | undefined {
  return AVAILABILITY_ERRORS.has(code) ? "availability" : UNREMEMBERED_ERRORS.has(code) ? undefined : "token";
}

/**
 * Keys under which one (provider, token) pair's failures are remembered. The token key hashes the raw token, so
 * it is made only when the memory holds something to compare it with, or a token error to remember.
 * @internal
 */
export interface FailureKeys {
  readonly token: () => string;
  readonly availability: string;
}

/** A remembered failure still in its backoff window. @internal */
export interface Remembered {
  readonly error: FederationError;
  readonly until: number;
  readonly count: number;
}

/** The failure memory of one federation. @internal */
export type FailureMemory = ReturnType<typeof failureMemory>;

/** Creates the failure memory of one federation. @internal */
export function failureMemory(keys: KeyMemo, policy: RefreshPolicy) {
  const failures = new Map<string, Remembered>();
  /** Until when each provider (cloud + key) was last seen unavailable by a trusted subject. */
  const outages = new Map<string, number>();
  const providerId = (provider: Provider) => `${provider.cloud}\0${provider.key}`;

  return {
    /**
     * The keys of (provider, token) whose cache key is `cacheKey`. The cache key already is (cloud, provider key,
     * subject identity); for an unverified token the identity is the raw token's hash, so a forged token's
     * failures stay its own.
     */
    keysOf(provider: Provider, token: SubjectToken, cacheKey: string): FailureKeys {
      let tokenKey: string | undefined;
      return {
        token: () => {
          tokenKey ??= `token\0${providerId(provider)}\0${keys.rawHash(token)}`;
          return tokenKey;
        },
        availability: `availability\0${cacheKey}`,
      };
    },

    /** The failure this pair is still backing off from, if any. */
    check(pair: FailureKeys, now: number): Remembered | undefined {
      // Nothing remembered (the usual case): no key to hash.
      if (failures.size === 0) return undefined;
      for (const key of [pair.token(), pair.availability]) {
        const failure = failures.get(key);
        if (failure !== undefined && now < failure.until) return failure;
      }
      return undefined;
    },

    /** The error a caller refused by a remembered failure receives: the remembered one, no attempt of its own. */
    refusal({ error, until }: Remembered, now: number): FederationError {
      return new FederationError(
        error.code,
        `${error.message} (remembered failure; next attempt in ${Math.ceil((until - now) / 1000)}s)`,
        { ...error.toJSON(), subject: error.subject, attempts: 0, cause: error },
      );
    },

    /**
     * Whether the provider was seen unavailable recently by a trusted subject: a new subject's exchange still
     * runs, with one attempt instead of retries. Unverified tokens never set this (anyone can send one).
     */
    providerStruggling: (provider: Provider, now: number) =>
      // No outage remembered (the usual case): no provider id to build and look up.
      outages.size > 0 && now < (outages.get(providerId(provider)) ?? 0),

    /** Remembers a failed exchange under the key its error class belongs to. */
    recordFailure(
      provider: Provider,
      token: SubjectToken,
      pair: FailureKeys,
      error: FederationError,
      now: number,
    ) {
      const kind = negativeClass(error.code);
      if (kind === undefined) return;
      const key = kind === "token" ? pair.token() : pair.availability;
      const count = (failures.get(key)?.count ?? 0) + 1;
      const ttl = Math.min(policy.maxNegativeTtlMs, policy.negativeTtlMs * 2 ** (count - 1));
      setBounded(failures, key, { until: now + ttl, count, error }, 1024);
      if (kind === "availability" && token.trust !== "unverified")
        setBounded(outages, providerId(provider), now + policy.negativeTtlMs, 256);
    },

    /** Forgets the pair's failures, and the provider's outage, after a success. */
    recordSuccess(provider: Provider, pair: FailureKeys): void {
      if (failures.size > 0) {
        failures.delete(pair.token());
        failures.delete(pair.availability);
      }
      if (outages.size > 0) outages.delete(providerId(provider));
    },
  };
}
