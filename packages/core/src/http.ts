/**
 * The safe HTTP client providers get through {@link ExchangeContext}: endpoint allowlist, no redirect followed,
 * per-attempt timeout, overall deadline, size-capped body and the shared retry policy. Each attempt goes through
 * the same transport as the authorized fetch ({@link sendAttempt}).
 *
 * @packageDocumentation
 */
import { checkEndpoint } from "./endpoints.js";
import { FederationError } from "./errors.js";
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
  const random = options.random ?? defaultRandom;
  const now = options.now ?? (() => Date.now());
  const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(policy.deadlineMs)));
  const signal = options.signal ? eitherSignal(deadline, options.signal) : deadline;
  const startedAt = monotonicMs();
  let attempts = 0;

  const ctx: CountingExchangeContext = {
    now,
    random,
    signal,
    correlationId: options.correlationId ?? randomId(random),
    get attempts() {
      return attempts;
    },
    async send(request: HttpRequest): Promise<HttpResponse> {
      const target = checkEndpoint(request.url, request.endpoint);
      const provider = request.endpoint.cloud;
      const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
      let lastFailure: FederationError | undefined;
      // resolveRetryPolicy keeps maxAttempts >= 1, and the last attempt always returns or throws.
      for (let attempt = 1; ; attempt++) {
        if (signal.aborted) throw stopped(options.signal, request, attempt - 1, lastFailure);
        const remaining = policy.deadlineMs - (monotonicMs() - startedAt);
        attempts++;
        let response: HttpResponse;
        try {
          // The attempt timeout runs until the response headers only: a cloud that answers slowly but surely is
          // not aborted to send the same request again; its body is bounded by the overall deadline.
          const res = await sendAttempt(
            (attemptSignal) =>
              fetchImpl(target.href, {
                method: request.method,
                headers: request.headers,
                body: request.body,
                redirect: "manual",
                signal: attemptSignal,
              }),
            {
              url: target,
              cloud: provider,
              timeoutMs: Math.max(1, Math.ceil(Math.min(policy.attemptTimeoutMs, remaining))),
              timeoutOption: "retry.attemptTimeoutMs",
              signal,
              attempt,
            },
          );
          const text = await readCapped(res, policy.maxResponseBytes, request.operation, provider);
          response = { status: res.status, headers: res.headers, text, attempts: attempt };
        } catch (error) {
          const timedOut = error instanceof FederationError && error.code === "timeout";
          if (error instanceof FederationError && !timedOut) throw error;
          if (signal.aborted) throw stopped(options.signal, request, attempt, lastFailure, error);
          lastFailure = timedOut
            ? error
            : new FederationError("network", `${request.operation} to ${target.host} got no HTTP answer.`, {
                provider,
                attempts: attempt,
                retryable: true,
                cause: error,
                hint: "Check DNS, egress and TLS to the endpoint.",
              });
          if (attempt === policy.maxAttempts) throw lastFailure;
          await pause(backoffDelay(policy, attempt, random), request, attempt, lastFailure);
          continue;
        }
        const transient =
          response.status >= 500 ||
          response.status === 429 ||
          (request.isTransient?.(response, attempt) ?? false);
        if (!transient || attempt === policy.maxAttempts) return response;
        const retryAfter = parseRetryAfter(response.headers.get("retry-after"), now());
        const delay = retryAfter ?? backoffDelay(policy, attempt, random);
        // A Retry-After beyond the deadline cannot be honoured: hand the answer back rather than retry early.
        if (delay >= policy.deadlineMs - (monotonicMs() - startedAt)) return response;
        await pause(delay, request, attempt, undefined);
      }
    },
  };

  async function pause(ms: number, request: HttpRequest, attempt: number, last: FederationError | undefined) {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw stopped(options.signal, request, attempt, last, error);
    }
  }

  return ctx;
}

function stopped(
  callerSignal: AbortSignal | undefined,
  request: HttpRequest,
  attempts: number,
  last: FederationError | undefined,
  cause?: unknown,
): FederationError {
  const provider = request.endpoint.cloud;
  if (callerSignal?.aborted) {
    return new FederationError("aborted", `${request.operation} was aborted by the caller.`, {
      provider,
      attempts,
      cause: callerSignal.reason ?? cause,
    });
  }
  return new FederationError("timeout", `${request.operation} ran past the overall deadline.`, {
    provider,
    attempts,
    retryable: true,
    cause: last ?? cause,
    hint: "The cloud answered too slowly; raise retry.deadlineMs if your platform allows.",
  });
}
