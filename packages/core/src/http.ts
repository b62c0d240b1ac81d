/**
 * The safe HTTP client providers get through {@link ExchangeContext}: endpoint allowlist, no redirect followed,
 * per-attempt timeout, overall deadline, size-capped body and the shared retry policy. Each attempt goes through
 * the same transport as the authorized fetch ({@link sendAttempt}).
 *
 * @packageDocumentation
 */
import { checkEndpoint, checkUrl, optInOrigins, parseEndpoint } from "./endpoints.js";
import { FederationError, fail } from "./errors.js";
import { Context, type ContextState, deadlineSignal } from "./http-context.js";
import { backoffDelay, type RetryPolicy, resolveRetryPolicy } from "./retry.js";
import { sendAttempt } from "./transport.js";
import type {
  Clock,
  EndpointRule,
  ExchangeContext,
  FetchLike,
  HttpRequest,
  HttpResponse,
  RandomSource,
} from "./types.js";
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
  const state: ContextState = {
    signal: undefined,
    attempts: 0,
    deadline: () => deadlineSignal(left(), caller),
  };

  return new Context(
    now,
    random,
    correlationId,
    state,
    async (request: HttpRequest): Promise<HttpResponse> => {
      const { operation, method, headers, body } = request;
      const url = checkedEndpoint(request.url, request.endpoint);
      const provider = request.endpoint.cloud;
      const href = url.href;
      // The request's init written out per attempt (no spread of a shared one): each attempt has its own signal.
      const send = (signal: AbortSignal | undefined) =>
        options.fetch
          ? options.fetch(href, { method, headers, body, redirect: "manual", signal })
          : globalThis.fetch(href, { method, headers, body, redirect: "manual", signal: signal ?? null });
      let last: FederationError | undefined;
      // resolveRetryPolicy keeps maxAttempts >= 1, and the last attempt always returns or throws.
      for (let attempt = 1; ; attempt++) {
        const remaining = left();
        if (caller?.aborted || remaining <= 0)
          throw stoppedError(caller, operation, provider, attempt - 1, last);
        state.attempts++;
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
          if (caller?.aborted || expired || (timedOut && atDeadline))
            throw stoppedError(caller, operation, provider, attempt, last ?? error);
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
          await pauseWithin(backoffDelay(policy, attempt, random), left(), caller, (cause) =>
            stoppedError(caller, operation, provider, attempt, last ?? cause),
          );
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
        await pauseWithin(delay, left(), caller, (cause) =>
          stoppedError(caller, operation, provider, attempt, cause),
        );
      }
    },
  );
}

/** The endpoint text parsed last, and its URL: a provider sends exchange after exchange to the same endpoint. */
let lastEndpoint: { readonly text: string; readonly url: URL } | undefined;

/**
 * {@link checkEndpoint} of `text` under `rule`, parsing the text only when it differs from the one parsed last (the
 * parse is half the check's cost on a cold exchange). The check itself runs on every request, under that request's
 * rule: only the parse is kept, never a verdict. The kept URL is only read (its `href` is what is sent).
 */
function checkedEndpoint(text: string, rule: EndpointRule): URL {
  if (typeof text !== "string") return checkEndpoint(text, rule);
  let url = lastEndpoint?.text === text ? lastEndpoint.url : undefined;
  if (url === undefined) {
    url = parseEndpoint(text, rule.cloud);
    lastEndpoint = { text, url };
  }
  return checkUrl(url, rule, optInOrigins(rule.allowedOrigins).has(url.origin));
}

/**
 * Waits `ms` unless that ends past the deadline (`left` ms away) or the caller aborts: then rejects with `stop`'s
 * error (given the abort's reason as its cause, or nothing when the pause is not taken).
 */
function pauseWithin(
  ms: number,
  left: number,
  caller: AbortSignal | undefined,
  stop: (cause?: unknown) => FederationError,
): Promise<void> {
  return ms >= left
    ? Promise.reject(stop())
    : sleep(ms, caller).catch((error: unknown) => {
        throw stop(error);
      });
}

/** Why an exchange stopped waiting: the caller's abort, or the overall deadline. */
function stoppedError(
  caller: AbortSignal | undefined,
  operation: string,
  provider: string,
  attempts: number,
  cause?: unknown,
): FederationError {
  return caller?.aborted
    ? fail("aborted", `${operation} was aborted by the caller.`, provider, undefined, {
        attempts,
        cause: caller.reason ?? cause,
      })
    : fail("timeout", `${operation} ran past the overall deadline.`, provider, "Raise retry.deadlineMs.", {
        attempts,
        retryable: true,
        cause,
      });
}
