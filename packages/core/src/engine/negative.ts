/**
 * Negative caching: a failing exchange is not retried by every caller at once. Token errors are remembered per
 * token (hash) and provider, so they never touch another subject; availability errors per provider, so a cloud
 * that is down is not hammered.
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorCode } from "../errors.js";
import type { RefreshPolicy } from "./policy.js";

const TOKEN_ERRORS: ReadonlySet<FederationErrorCode> = new Set([
  "invalid_subject_token",
  "expired_subject_token",
  "audience_mismatch",
  "subject_mismatch",
  "issuer_untrusted",
  "access_denied",
  "invalid_request",
  "policy_refused",
]);

const AVAILABILITY_ERRORS: ReadonlySet<FederationErrorCode> = new Set([
  "throttled",
  "timeout",
  "network",
  "provider_unavailable",
  "bad_response",
]);

/** Which negative-cache key an error belongs under, or none (config, endpoint, aborted). @internal */
export function negativeClass(code: FederationErrorCode): "token" | "availability" | undefined {
  if (TOKEN_ERRORS.has(code)) return "token";
  if (AVAILABILITY_ERRORS.has(code)) return "availability";
  return undefined;
}

interface Failure {
  until: number;
  failures: number;
  error: FederationError;
}

/** Remembered failures with exponential backoff, bounded in size. @internal */
export class NegativeCache {
  private readonly failures = new Map<string, Failure>();

  constructor(
    private readonly policy: RefreshPolicy,
    private readonly max = 1024,
  ) {}

  /** The remembered failure for any of `keys` that is still in its backoff window. */
  check(keys: readonly string[], now: number): { error: FederationError; retryInMs: number } | undefined {
    for (const key of keys) {
      const failure = this.failures.get(key);
      if (failure !== undefined && now < failure.until)
        return { error: failure.error, retryInMs: failure.until - now };
    }
    return undefined;
  }

  record(key: string, error: FederationError, now: number): void {
    const previous = this.failures.get(key);
    const failures = (previous?.failures ?? 0) + 1;
    const ttl = Math.min(this.policy.maxNegativeTtlMs, this.policy.negativeTtlMs * 2 ** (failures - 1));
    this.failures.delete(key);
    this.failures.set(key, { until: now + ttl, failures, error });
    while (this.failures.size > this.max) this.failures.delete(this.failures.keys().next().value as string);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }
}

/** A fresh error for a caller refused by the negative cache, pointing at the remembered one. @internal */
export function refusedByNegativeCache(error: FederationError, retryInMs: number): FederationError {
  const seconds = Math.ceil(retryInMs / 1000);
  return new FederationError(
    error.code,
    `${error.message} (remembered failure; next attempt in ${seconds}s)`,
    {
      ...error.toJSON(),
      subject: error.subject,
      attempts: 0,
      cause: error,
    },
  );
}
