/**
 * The safe HTTP client providers get through {@link ExchangeContext}: endpoint allowlist, no redirect followed,
 * per-attempt timeout, overall deadline, size-capped body and the shared retry policy. Each attempt goes through
 * the same transport as the authorized fetch ({@link sendAttempt}).
 *
 * @packageDocumentation
 */
import { checkEndpoint } from "./endpoints.js";
import { FederationError, fail } from "./errors.js";
import { backoffDelay, type RetryPolicy, resolveRetryPolicy } from "./retry.js";
import { sendAttempt } from "./transport.js";
import type { Clock, ExchangeContext, FetchLike, HttpRequest, HttpResponse, RandomSource } from "./types.js";
import { readCapped } from "./util/body.js";
import { defaultRandom, randomId } from "./util/random.js";
import { eitherSignal } from "./util/signals.js";
import { monotonicMs, parseRetryAfter, sleep } from "./util/time.js";

/** Options of {@link createExchangeContext}. @public */
export interface ExchangeContextOptions {
  /** Default: `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Default: `Date.now`. */
  now?: Clock;
  /** Default: `crypto.getRandomValues`. */
  random?: RandomSource;
  retry?: Partial<RetryPolicy>;
  /** The caller's signal; aborting it rejects pending sends with `aborted`. */
  signal?: AbortSignal;
  correlationId?: string;
}

/** An {@link ExchangeContext} that also counts the HTTP attempts it made, for the audit log. @public */
export interface CountingExchangeContext extends ExchangeContext {
  /** HTTP attempts made through `send()` so far, over all requests. */
  readonly attempts: number;
}

/**
 * Creates the context a provider's `exchange()` runs in. The overall deadline starts now.
 *
 * `send()` retries network errors, attempt timeouts, 5xx, 429 (honouring `Retry-After`) and answers that
 * `request.isTransient()` marks; it never retries other statuses. It resolves with the last answer (any status)
 * so the provider maps cloud errors itself, and rejects with `FederationError` `network`, `timeout`,
 * `endpoint_refused`, `bad_response` (oversized body; a 3xx is a `RedirectRefusedError`, never followed) or
 * `aborted`. Requests go out with `redirect: "manual"`, which every runtime accepts (workerd refuses `"error"`).
 *
 * @example
 * ```ts
 * const ctx = createExchangeContext({ fetch: myFetch, retry: { maxAttempts: 2 } });
 * const res = await ctx.send({
 *   url: "https://sts.amazonaws.com/", method: "POST", body, operation: "sts:AssumeRoleWithWebIdentity",
 *   endpoint: { cloud: "aws", officialHosts: ["sts.amazonaws.com"] },
 * });
 * ```
 * @public
 */
export function createExchangeContext(options: ExchangeContextOptions = {}): CountingExchangeContext {
  const policy = resolveRetryPolicy(options.retry);
  const { maxAttempts, deadlineMs } = policy;
  const random = options.random ?? defaultRandom;
  const now = options.now ?? (() => Date.now());
  const caller = options.signal;
  const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(deadlineMs)));
  const signal = caller ? eitherSignal(deadline, caller) : deadline;
  const startedAt = monotonicMs();
  const left = () => deadlineMs - (monotonicMs() - startedAt);
  let attempts = 0;

  return {
    now,
    random,
    signal,
    correlationId: options.correlationId ?? randomId(random),
    get attempts() {
      return attempts;
    },
    async send(request: HttpRequest): Promise<HttpResponse> {
      const { operation, method, headers, body } = request;
      const url = checkEndpoint(request.url, request.endpoint);
      const provider = request.endpoint.cloud;
      // Why the exchange stopped waiting: the caller's abort, or the overall deadline.
      const stopped = (attempt: number, cause?: unknown) =>
        caller?.aborted
          ? fail("aborted", `${operation} was aborted by the caller.`, provider, undefined, {
              attempts: attempt,
              cause: caller.reason ?? cause,
            })
          : fail(
              "timeout",
              `${operation} ran past the overall deadline.`,
              provider,
              "Raise retry.deadlineMs if your platform allows.",
              { attempts: attempt, retryable: true, cause },
            );
      const pause = (ms: number, attempt: number, last?: FederationError) =>
        sleep(ms, signal).catch((error: unknown) => {
          throw stopped(attempt, last ?? error);
        });
      let last: FederationError | undefined;
      // resolveRetryPolicy keeps maxAttempts >= 1, and the last attempt always returns or throws.
      for (let attempt = 1; ; attempt++) {
        if (signal.aborted) throw stopped(attempt - 1, last);
        attempts++;
        let response: HttpResponse;
        try {
          // The attempt timeout runs until the response headers only: a cloud that answers slowly but surely is
          // not aborted to send the same request again; its body is bounded by the overall deadline.
          const init = { method, headers, body, redirect: "manual" } as const;
          const res = await sendAttempt(
            (s) =>
              options.fetch
                ? options.fetch(url.href, { ...init, signal: s })
                : globalThis.fetch(url.href, { ...init, signal: s ?? null }),
            {
              url,
              cloud: provider,
              timeoutMs: Math.max(1, Math.ceil(Math.min(policy.attemptTimeoutMs, left()))),
              timeoutOption: "retry.attemptTimeoutMs",
              signal,
              attempt,
            },
          );
          const text = await readCapped(res, policy.maxResponseBytes, operation, provider);
          response = { status: res.status, headers: res.headers, text, attempts: attempt };
        } catch (error) {
          const timedOut = error instanceof FederationError && error.code === "timeout";
          if (error instanceof FederationError && !timedOut) throw error;
          if (signal.aborted) throw stopped(attempt, last ?? error);
          last = timedOut
            ? error
            : fail(
                "network",
                `${operation} to ${url.host} got no HTTP answer.`,
                provider,
                "Check DNS, egress and TLS to the endpoint.",
                { attempts: attempt, retryable: true, cause: error },
              );
          if (attempt === maxAttempts) throw last;
          await pause(backoffDelay(policy, attempt, random), attempt, last);
          continue;
        }
        const { status } = response;
        const transient =
          status >= 500 || status === 429 || (request.isTransient?.(response, attempt) ?? false);
        if (!transient || attempt === maxAttempts) return response;
        const delay =
          parseRetryAfter(response.headers.get("retry-after"), now()) ??
          backoffDelay(policy, attempt, random);
        // A Retry-After beyond the deadline cannot be honoured: hand the answer back rather than retry early.
        if (delay >= left()) return response;
        await pause(delay, attempt);
      }
    },
  };
}
