/**
 * The state one federation shares between its hit path, slow path and exchanges, and the helpers that use it:
 * audit emission, background-work tracking, negative-cache keys, token requests, refusals.
 *
 * @packageDocumentation
 */
import { consoleAudit } from "../audit/console.js";
import { evictionAudit } from "../audit/evictions.js";
import { memoryCache } from "../cache/memory.js";
import { FederationError } from "../errors.js";
import { resolveRetryPolicy } from "../retry.js";
import type {
  AuditSink,
  CacheOutcome,
  Clock,
  Provider,
  Scheduler,
  SubjectToken,
  TokenRequest,
} from "../types.js";
import { defaultRandom, randomId } from "../util/random.js";
import { monotonicMs } from "../util/time.js";
import { buildEvent, type EventInput } from "./events.js";
import { FailureMemory } from "./failures.js";
import { KeyMemo } from "./keys.js";
import type { FederationOptions, GetCredentialsOptions } from "./options.js";
import { resolveRefreshPolicy } from "./policy.js";

/** @internal */
export type Runtime = ReturnType<typeof createRuntime>;

/** Resolves the options of a federation and builds its shared state. @internal */
export function createRuntime(options: FederationOptions) {
  const audit = options.audit ?? consoleAudit();
  const now: Clock = options.now ?? (() => Date.now());
  const cache = options.cache ?? defaultCache(options, audit, now);
  const random = options.random ?? defaultRandom;
  const retry = resolveRetryPolicy(options.retry);
  const policy = resolveRefreshPolicy(options.refresh);
  const keys = new KeyMemo();
  const failures = new FailureMemory(keys, policy);
  const pending = new Set<Promise<unknown>>();
  /** Token requests without a signal are immutable: one per audience, not one per call. */
  const byAudience = new Map<string, TokenRequest>();

  function track(work: Promise<unknown>, scheduler: Scheduler | undefined): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    pending.add(settled);
    void settled.then(() => pending.delete(settled));
    (scheduler ?? options.scheduler)?.(settled);
  }

  async function emit(input: EventInput, scheduler?: Scheduler): Promise<void> {
    try {
      const written = audit.write(await buildEvent(input));
      if (written instanceof Promise) track(written, scheduler);
    } catch {
      // An audit sink that throws must not turn a success into a failure, nor hide the real error.
    }
  }

  function tokenRequest(audience: string, signal: AbortSignal | undefined): TokenRequest {
    if (signal !== undefined) return { audience, now, signal };
    let request = byAudience.get(audience);
    if (request === undefined) {
      request = Object.freeze({ audience, now });
      byAudience.set(audience, request);
    }
    return request;
  }

  function labelsOf(call: GetCredentialsOptions): Record<string, string> | undefined {
    return call.labels === undefined ? options.labels : { ...options.labels, ...call.labels };
  }

  async function refuse(
    provider: Provider,
    token: SubjectToken | undefined,
    error: unknown,
    call: GetCredentialsOptions,
    cacheOutcome: CacheOutcome,
    started: number,
  ): Promise<never> {
    const failure = asFederationError(error, provider);
    await emit(
      {
        type: "refusal",
        provider,
        ...(token ? { token } : {}),
        cache: cacheOutcome,
        durationMs: monotonicMs() - started,
        correlationId: call.correlationId ?? randomId(random),
        now: now(),
        error: failure,
        labels: labelsOf(call),
      },
      call.scheduler,
    );
    throw failure;
  }

  return {
    options,
    cache,
    audit,
    now,
    random,
    retry,
    policy,
    keys,
    failures,
    pending,
    track,
    emit,
    tokenRequest,
    labelsOf,
    refuse,
  };
}

/** The isolate-memory cache of a federation without one, bounded by `limits` and audited when it evicts. */
function defaultCache(options: FederationOptions, audit: AuditSink, now: Clock) {
  const max = options.limits?.cacheMaxEntries ?? 1000;
  const onEvict = evictionAudit({
    audit,
    table: "credential-cache",
    max,
    now,
    ...(options.limits?.evictionAuditIntervalMs === undefined
      ? {}
      : { intervalMs: options.limits.evictionAuditIntervalMs }),
    ...(options.labels ? { labels: options.labels } : {}),
  });
  return memoryCache({ max, now, onEvict });
}

/** Wraps anything thrown into a FederationError without its message (it may hold a secret). @internal */
export function asFederationError(error: unknown, provider: Provider): FederationError {
  if (error instanceof FederationError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  return new FederationError("bad_response", `${provider.cloud} exchange failed unexpectedly (${name}).`, {
    provider: provider.cloud,
    cause: error,
    hint: "A bug in the provider or the token source; see the error's cause.",
  });
}

/** Lets one caller stop waiting for a shared exchange without cancelling it for the others. @internal */
export function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  provider: string,
): Promise<T> {
  if (signal === undefined) return work;
  const aborted = () =>
    new FederationError("aborted", "getCredentials was aborted by the caller.", {
      provider,
      cause: signal.reason,
    });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted());
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
