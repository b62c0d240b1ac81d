/**
 * The state one federation shares between its hit path, slow path and exchanges, and the helpers that use it:
 * audit emission, background-work tracking, token requests, refusals.
 *
 * @packageDocumentation
 */
import { consoleAudit } from "../audit/console.js";
import { evictionAudit } from "../audit/evictions.js";
import { memoryCache } from "../cache/memory.js";
import { FederationError, fail } from "../errors.js";
import { resolveRetryPolicy } from "../retry.js";
import type { CacheOutcome, Clock, Provider, Scheduler, SubjectToken, TokenRequest } from "../types.js";
import { getOrSet } from "../util/maps.js";
import { defaultRandom, pooledRandom, randomId } from "../util/random.js";
import { monotonicMs } from "../util/time.js";
import { buildEvent, type EventInput } from "./events.js";
import { failureMemory } from "./failures.js";
import { keyMemo } from "./keys.js";
import type { FederationOptions, GetCredentialsOptions } from "./options.js";
import { resolveRefreshPolicy } from "./policy.js";

/** @internal */
export type Runtime = ReturnType<typeof createRuntime>;

/** Resolves the options of a federation and builds its shared state. @internal */
export function createRuntime(options: FederationOptions) {
  const { limits, labels } = options;
  const audit = options.audit ?? consoleAudit();
  const now: Clock = options.now ?? (() => Date.now());
  const max = limits?.cacheMaxEntries ?? 1000;
  // The isolate-memory cache of a federation without one, bounded by `limits` and audited when it evicts.
  const cache =
    options.cache ??
    memoryCache({
      max,
      now,
      onEvict: evictionAudit({
        audit,
        table: "credential-cache",
        max,
        now,
        // Undefined options are the auditor's defaults.
        intervalMs: limits?.evictionAuditIntervalMs,
        labels,
      }),
    });
  const random = options.random ?? defaultRandom;
  /** The engine's own non-secret draws (correlation ids, jitter): an injected source as is, else the pool. */
  const draw = options.random ?? pooledRandom;
  const policy = resolveRefreshPolicy(options.refresh);
  const keys = keyMemo();
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

  /** Writes an event for a call; an audit sink that throws must not turn a success into a failure. */
  function emit(
    call: GetCredentialsOptions,
    input: EventInput,
    correlationId = call.correlationId ?? randomId(draw),
  ): void {
    try {
      const extra = call.labels;
      const written = audit.write(
        buildEvent(input, correlationId, now(), extra === undefined ? labels : { ...labels, ...extra }),
      );
      if (written instanceof Promise) track(written, call.scheduler);
    } catch {
      // Nor hide the real error.
    }
  }

  /** Audits a call refused before or without an exchange, and rejects with its error. */
  async function refuse(
    provider: Provider,
    token: SubjectToken | undefined,
    error: unknown,
    call: GetCredentialsOptions,
    cache: CacheOutcome,
    started: number,
  ): Promise<never> {
    const failure = asFederationError(error, provider);
    emit(call, {
      type: "refusal",
      provider,
      token,
      cache,
      durationMs: monotonicMs() - started,
      error: failure,
    });
    throw failure;
  }

  return {
    options,
    cache,
    audit,
    now,
    random,
    draw,
    retry: resolveRetryPolicy(options.retry),
    policy,
    keys,
    failures: failureMemory(keys, policy),
    pending,
    track,
    emit,
    refuse,
    tokenRequest(audience: string, signal: AbortSignal | undefined): TokenRequest {
      if (signal !== undefined) return { audience, now, signal };
      return getOrSet(byAudience, audience, () => Object.freeze({ audience, now }));
    },
  };
}

/** Wraps anything thrown into a FederationError without its message (it may hold a secret). @internal */
export function asFederationError(error: unknown, provider: Provider): FederationError {
  if (error instanceof FederationError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  return fail(
    "bad_response",
    `${provider.cloud} exchange failed unexpectedly (${name}).`,
    provider.cloud,
    "A provider or token source bug; see the cause.",
    { cause: error },
  );
}

/** Lets one caller stop waiting for a shared exchange without cancelling it for the others. @internal */
export function raceAbort<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  provider: string,
): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(
        fail("aborted", "getCredentials was aborted by the caller.", provider, undefined, {
          cause: signal.reason,
        }),
      );
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    const done = () => signal.removeEventListener("abort", onAbort);
    work.then(done, done);
    work.then(resolve, reject);
  });
}
