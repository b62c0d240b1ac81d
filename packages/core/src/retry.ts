/**
 * The one retry policy every provider shares, and its defaults.
 *
 * @packageDocumentation
 */
import type { RandomSource } from "./types.js";
import { mergeNumbers } from "./util/numbers.js";
import { randomFraction } from "./util/random.js";

/**
 * How `ctx.send()` retries. Defaults ({@link DEFAULT_RETRY_POLICY}) fit an edge request: at most 3 attempts
 * within an overall deadline of 8 s. An attempt is retried when it fails (network error, 5xx, 429), never
 * aborted while the cloud is still answering just to send the same request again.
 * @public
 */
export interface RetryPolicy {
  /** Attempts in all, the first one included. Default 3. */
  maxAttempts: number;
  /** Base of the exponential backoff (full jitter: a random delay in `[0, min(max, base * 2^(n-1))]`). Default 100. */
  baseDelayMs: number;
  /** Cap of one backoff delay. Default 2000. */
  maxDelayMs: number;
  /**
   * How long one attempt may wait for the response headers before it is abandoned and retried. The body is then
   * read under the overall deadline only. Default 8000 (= the deadline: an attempt stops only at the deadline,
   * so a slow cloud answering in 4 s is served by one request, not aborted and asked three times).
   */
  attemptTimeoutMs: number;
  /** Overall deadline of one exchange (all its requests, retries and delays). Default 8000. */
  deadlineMs: number;
  /** Response bodies larger than this are refused (`bad_response`). Default 262144 (256 KiB). */
  maxResponseBytes: number;
}

/** The defaults of {@link RetryPolicy}. @public */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  attemptTimeoutMs: 8000,
  deadlineMs: 8000,
  maxResponseBytes: 262_144,
});

/**
 * Merges a partial policy over the defaults and validates it.
 * @throws TypeError when a value is not a finite number in range.
 * @public
 */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  return mergeNumbers(DEFAULT_RETRY_POLICY, partial, "retry", {
    maxAttempts: [1, Infinity],
  });
}

/**
 * The delay before attempt `attempt + 1` after `attempt` failed: exponential backoff with full jitter.
 * @internal
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: RandomSource): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(randomFraction(random) * ceiling);
}
