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
import { monotonicMs, parseRetryAfter, sleep, startTimer } from "./util/time.js";

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
  const random = options.random ?? defaultRandom;
  return exchangeContext(
    {
      ...options,
      random,
      now: options.now ?? (() => Date.now()),
      correlationId: options.correlationId ?? randomId(random),
    },
    resolveRetryPolicy(options.retry),
  );
}

/** The options of {@link exchangeContext}: the engine passes each one it has, so no default is taken here. @internal */
export interface ResolvedContextOptions extends Omit<ExchangeContextOptions, "retry"> {
  readonly now: Clock;
  readonly random: RandomSource;
  readonly correlationId: string;
}

/**
 * {@link createExchangeContext} with its options and policy already resolved (the engine's, validated once per
 * federation): no merge and validation of the same numbers per exchange.
 * @internal
 */
export function exchangeContext(
  options: ResolvedContextOptions,
  policy: RetryPolicy,
): CountingExchangeContext {
  const { maxAttempts, deadlineMs } = policy;
  const { random, now, correlationId, signal: caller } = options;
  const startedAt = monotonicMs();
  const left = () => deadlineMs - (monotonicMs() - startedAt);
  // The deadline as a signal exists only for a provider that asks for `ctx.signal`: `send` bounds every attempt
  // and body read with timers of its own (a timeout signal costs ~10 µs on Node, a composed one more).
  let signal: AbortSignal | undefined;
  let attempts = 0;

  return {
    now,
    random,
    get signal() {
      signal ??= deadlineSignal(left(), caller);
      return signal;
    },
    correlationId,
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
              "Raise retry.deadlineMs.",
              { attempts: attempt, retryable: true, cause },
            );
      // A pause that would end past the deadline is not taken: the exchange stops now.
      const pause = (ms: number, attempt: number, last?: FederationError) =>
        ms >= left()
          ? Promise.reject(stopped(attempt, last))
          : sleep(ms, caller).catch((error: unknown) => {
              throw stopped(attempt, last ?? error);
            });
      const init = { method, headers, body, redirect: "manual" } as const;
      const send = (s: AbortSignal | undefined) =>
        options.fetch
          ? options.fetch(url.href, { ...init, signal: s })
          : globalThis.fetch(url.href, { ...init, signal: s ?? null });
      let last: FederationError | undefined;
      // resolveRetryPolicy keeps maxAttempts >= 1, and the last attempt always returns or throws.
      for (let attempt = 1; ; attempt++) {
        const remaining = left();
        if (caller?.aborted || remaining <= 0) throw stopped(attempt - 1, last);
        attempts++;
        // The attempt timeout runs until the response headers only: a cloud that answers slowly but surely is not
        // aborted to send the same request again. When the deadline comes first (by default it always does:
        // attemptTimeoutMs is the deadline), the attempt's timer is the deadline.
        const atDeadline = policy.attemptTimeoutMs >= remaining;
        // One controller per attempt: the attempt's timer, the body's deadline and the caller all abort it.
        const controller = new AbortController();
        // Whether the deadline ran out while the body was read.
        let expired = false;
        let response: HttpResponse;
        try {
          const res = await sendAttempt(send, {
            url,
            cloud: provider,
            timeoutMs: Math.max(1, Math.ceil(atDeadline ? remaining : policy.attemptTimeoutMs)),
            timeoutOption: "retry.attemptTimeoutMs",
            signal: caller,
            attempt,
            controller,
          });
          // The body is read within the deadline and the caller's signal: either aborts the attempt's controller,
          // which ends the request and the read (no body, nothing to wait for).
          const cancel =
            res.body === null
              ? undefined
              : startTimer(Math.max(1, Math.ceil(left())), () => {
                  expired = true;
                  controller.abort();
                });
          const onAbort = () => controller.abort(caller?.reason);
          caller?.addEventListener("abort", onAbort);
          if (caller?.aborted) onAbort();
          try {
            const text = await readCapped(
              res,
              policy.maxResponseBytes,
              operation,
              provider,
              controller.signal,
            );
            response = { status: res.status, headers: res.headers, text, attempts: attempt };
          } finally {
            cancel?.();
            caller?.removeEventListener("abort", onAbort);
          }
        } catch (error) {
          // A FederationError other than the attempt's timeout (a redirect, an oversized body) is final.
          if (error instanceof FederationError && error.code !== "timeout") throw error;
          const timedOut = error instanceof FederationError;
          if (caller?.aborted || expired || (timedOut && atDeadline)) throw stopped(attempt, last ?? error);
          last = timedOut
            ? error
            : fail(
                "network",
                `${operation} to ${url.host} got no HTTP answer.`,
                provider,
                "Check DNS, egress and TLS.",
                { attempts: attempt, retryable: true, cause: error },
              );
          if (attempt === maxAttempts) throw last;
          await pause(backoffDelay(policy, attempt, random), attempt, last);
          continue;
        }
        const { status } = response;
        const transient = status >= 500 || status === 429 || request.isTransient?.(response, attempt);
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

/**
 * The deadline (`ms` from now) as a signal that the caller's abort ends too, whichever comes first, with that one's
 * reason (the deadline's is a `TimeoutError`, as `AbortSignal.timeout` gives): a controller aborted by a timer
 * ({@link startTimer}: unref'd, and Deno's own web timer there; none for 2^31 ms or more), joined to the caller's
 * signal by `AbortSignal.any`, which holds it weakly: a caller's signal reused for many exchanges gathers no
 * listeners. Vercel's Edge Runtime 4.0.1 has no `AbortSignal.any`: there a listener does it, left on that caller's
 * signal until it aborts or is collected.
 */
function deadlineSignal(ms: number, caller: AbortSignal | undefined): AbortSignal {
  const controller = new AbortController();
  startTimer(Math.max(1, Math.ceil(ms)), () =>
    controller.abort(new DOMException("The deadline passed.", "TimeoutError")),
  );
  if (!caller) return controller.signal;
  if (typeof AbortSignal.any === "function") return AbortSignal.any([caller, controller.signal]);
  const abort = () => controller.abort(caller.reason);
  if (caller.aborted) abort();
  else caller.addEventListener("abort", abort, { once: true });
  return controller.signal;
}
