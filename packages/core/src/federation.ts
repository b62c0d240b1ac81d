/**
 * The engine: one call gives a caller valid credentials for (provider, subject), from the cache when it can,
 * through one shared exchange when it must.
 *
 * @packageDocumentation
 */
import { consoleAudit } from "./audit/console.js";
import { memoryCache } from "./cache/memory.js";
import { buildEvent, type EventInput, jtiHash } from "./engine/events.js";
import { KeyMemo } from "./engine/keys.js";
import { NegativeCache, negativeClass, refusedByNegativeCache } from "./engine/negative.js";
import { makeEntry, type RefreshPolicy, resolveRefreshPolicy } from "./engine/policy.js";
import { FederationError } from "./errors.js";
import { createExchangeContext } from "./http.js";
import { type RetryPolicy, resolveRetryPolicy } from "./retry.js";
import { checkTokenTimes } from "./tokens.js";
import type {
  AuditSink,
  CacheEntry,
  CacheOutcome,
  Clock,
  CredentialCache,
  Credentials,
  FetchLike,
  Provider,
  RandomSource,
  Scheduler,
  SubjectToken,
  SubjectTokenSource,
  TokenRequest,
} from "./types.js";
import { defaultRandom, randomId } from "./util/random.js";
import { monotonicMs } from "./util/time.js";

/** Options of {@link createFederation}. Every one has a default. @public */
export interface FederationOptions {
  /** Default subject-token source; `getCredentials` may override it per call. */
  source?: SubjectTokenSource;
  /** Default: `memoryCache()`. A cache that stores outside the process must be an `encryptedCache`. */
  cache?: CredentialCache;
  /** Default: `consoleAudit()` (JSON lines on `console.log`). */
  audit?: AuditSink;
  /** Default: `globalThis.fetch`, looked up at call time. */
  fetch?: FetchLike;
  /** Default: `Date.now`. */
  now?: Clock;
  /** Default: `crypto.getRandomValues`. */
  random?: RandomSource;
  /** Keeps background refreshes alive (`context.waitUntil`). Default: run detached; `flush()` awaits them. */
  scheduler?: Scheduler;
  retry?: Partial<RetryPolicy>;
  refresh?: Partial<RefreshPolicy>;
  /** Copied into every audit event (site, deploy context, ...). Nothing secret. */
  labels?: Record<string, string>;
}

/** Per-call options of {@link Federation.getCredentials}. @public */
export interface GetCredentialsOptions {
  /** Overrides the federation's source for this call (e.g. `requestBearerToken(request, ...)`). */
  source?: SubjectTokenSource;
  /** Overrides the federation's scheduler for this call (pass the request's `context.waitUntil`). */
  scheduler?: Scheduler;
  /** Ties audit events to the request (Netlify's `context.requestId`). Default: random. */
  correlationId?: string;
  /** Stops waiting (`aborted`); a shared exchange goes on for the other callers. */
  signal?: AbortSignal;
  /** Added to the federation's labels for this call's audit events. */
  labels?: Record<string, string>;
}

/** The engine returned by {@link createFederation}. @public */
export interface Federation {
  /**
   * Valid credentials of `provider` for the subject of the source's token: held ones when they are outside the
   * safety margin (starting a background refresh when due), else from one exchange shared by concurrent callers.
   * @throws FederationError
   */
  getCredentials<C extends Credentials>(provider: Provider<C>, options?: GetCredentialsOptions): Promise<C>;
  readonly audit: AuditSink;
  /** Waits for background refreshes and pending audit writes, then flushes the audit sink. */
  flush(): Promise<void>;
}

const NO_OPTIONS: GetCredentialsOptions = Object.freeze({});

/**
 * Creates the engine.
 *
 * @example
 * ```ts
 * const federation = createFederation({ source: envToken("OIDC_TOKEN") });
 * const creds = await federation.getCredentials(awsRole({ roleArn, region: "eu-west-1" }));
 * ```
 * @public
 */
export function createFederation(options: FederationOptions = {}): Federation {
  const cache = options.cache ?? memoryCache({ ...(options.now ? { now: options.now } : {}) });
  const audit = options.audit ?? consoleAudit();
  const now: Clock = options.now ?? (() => Date.now());
  const random = options.random ?? defaultRandom;
  const retry = resolveRetryPolicy(options.retry);
  const policy = resolveRefreshPolicy(options.refresh);
  const keys = new KeyMemo();
  const negative = new NegativeCache(policy);
  const inflight = new Map<string, Promise<CacheEntry>>();
  const pending = new Set<Promise<unknown>>();
  const skewMs = policy.clockSkewSeconds * 1000;
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

  /** Keys under which failures of this (provider, token) are remembered. */
  async function negativeKeys(provider: Provider, token: SubjectToken) {
    const tokenKey = `token\0${provider.cloud}\0${provider.key}\0${await keys.rawHash(token)}`;
    // An unverified token could be anyone's: its availability failures must not block other subjects.
    const availabilityKey =
      token.trust === "unverified"
        ? `availability\0${tokenKey}`
        : `availability\0${provider.cloud}\0${provider.key}`;
    return { tokenKey, availabilityKey };
  }

  async function exchange(
    provider: Provider,
    token: SubjectToken,
    key: string,
    outcome: CacheOutcome,
    call: GetCredentialsOptions,
  ): Promise<CacheEntry> {
    const started = monotonicMs();
    const correlationId = call.correlationId ?? randomId(random);
    const ctx = createExchangeContext({ fetch: options.fetch, now, random, retry, correlationId });
    void jtiHash(token);
    const neg = await negativeKeys(provider, token);
    const background = outcome === "refresh";
    const base = { provider, token, correlationId, labels: labelsOf(call) };
    try {
      const result = await provider.exchange(token, ctx);
      const obtainedAt = now();
      const expiresAt = result?.credentials?.expiresAt;
      if (typeof expiresAt !== "number" || !(expiresAt - obtainedAt > policy.safetyMarginMs)) {
        throw new FederationError(
          "bad_response",
          `${provider.cloud} returned credentials that expire too soon or carry no expiry.`,
          {
            provider: provider.cloud,
            hint: `Credentials must outlive refresh.safetyMarginMs (${policy.safetyMarginMs} ms); raise the session duration or lower the margin.`,
          },
        );
      }
      const entry = makeEntry(result, obtainedAt, policy, random);
      try {
        await cache.set(key, entry, expiresAt - obtainedAt);
      } catch {
        // A cache that fails to store costs an exchange next time; the caller still gets valid credentials.
      }
      negative.clear(neg.availabilityKey);
      negative.clear(neg.tokenKey);
      await emit(
        {
          ...base,
          type: background ? "refresh" : "exchange",
          cache: outcome,
          durationMs: monotonicMs() - started,
          now: now(),
          attempts: ctx.attempts,
          entry,
          ...(result.requestId !== undefined ? { requestId: result.requestId } : {}),
        },
        call.scheduler,
      );
      return entry;
    } catch (thrown) {
      const error = asFederationError(thrown, provider);
      const kind = negativeClass(error.code);
      if (kind !== undefined)
        negative.record(kind === "token" ? neg.tokenKey : neg.availabilityKey, error, now());
      await emit(
        {
          ...base,
          type: "failure",
          cache: background ? "stale" : outcome,
          durationMs: monotonicMs() - started,
          now: now(),
          attempts: ctx.attempts,
          error,
        },
        call.scheduler,
      );
      throw error;
    }
  }

  function startRefresh(
    provider: Provider,
    token: SubjectToken,
    key: string,
    call: GetCredentialsOptions,
  ): void {
    if (inflight.has(key)) return;
    // Deferred to a microtask so not even the synchronous start of the exchange runs on the caller's path.
    const flight = Promise.resolve().then(async () => {
      const neg = await negativeKeys(provider, token);
      const blocked = negative.check([neg.tokenKey, neg.availabilityKey], now());
      if (blocked !== undefined) throw blocked.error;
      return exchange(provider, token, key, "refresh", call);
    });
    inflight.set(key, flight);
    const done = () => {
      if (inflight.get(key) === flight) inflight.delete(key);
    };
    flight.then(done, done);
    track(flight, call.scheduler);
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

  /** An exchange that first consults the negative cache: a remembered failure is refused (and audited) once. */
  async function guardedExchange(
    provider: Provider,
    token: SubjectToken,
    key: string,
    call: GetCredentialsOptions,
  ) {
    const started = monotonicMs();
    const neg = await negativeKeys(provider, token);
    const blocked = negative.check([neg.tokenKey, neg.availabilityKey], now());
    if (blocked !== undefined) {
      return refuse(
        provider,
        token,
        refusedByNegativeCache(blocked.error, blocked.retryInMs),
        call,
        "negative",
        started,
      );
    }
    return exchange(provider, token, key, "miss", call);
  }

  async function slowPath<C extends Credentials>(
    provider: Provider<C>,
    token: SubjectToken,
    call: GetCredentialsOptions,
  ): Promise<C> {
    let key: string;
    try {
      checkTokenTimes(token, now(), policy.clockSkewSeconds);
      key = keys.peek(token, provider as Provider) ?? (await keys.derive(token, provider as Provider));
    } catch (error) {
      return refuse(provider, token, error, call, "miss", monotonicMs());
    }
    let entry: CacheEntry | undefined;
    try {
      const got = cache.get(key);
      entry = got instanceof Promise ? await got : got;
    } catch {
      entry = undefined;
    }
    const t = now();
    if (entry !== undefined && t < entry.expiresAt - policy.safetyMarginMs) {
      if (t >= entry.refreshAt) startRefresh(provider as Provider, token, key, call);
      return entry.credentials as C;
    }
    // No await between this lookup and the registration below: the first cold caller registers, the rest join.
    let flight = inflight.get(key);
    if (flight === undefined) {
      const registered = guardedExchange(provider as Provider, token, key, call);
      flight = registered;
      inflight.set(key, registered);
      const done = () => {
        if (inflight.get(key) === registered) inflight.delete(key);
      };
      registered.then(done, done);
    }
    const fresh = await raceAbort(flight, call.signal, provider.cloud);
    return fresh.credentials as C;
  }

  /**
   * A one-entry front cache: the last (token, provider) served and until when it may be served again without
   * looking anything up: the earliest of the token's expiry, the safety margin and the refresh time. Past that
   * the normal path runs (cache read, refresh start). Repeated calls thus cost a few comparisons and one clock read.
   */
  let hot:
    | {
        token: SubjectToken;
        provider: Provider;
        providerKey: string;
        key: string;
        entry: CacheEntry;
        until: number;
      }
    | undefined;

  /** Held credentials for (provider, token) if the key is known and they are outside the safety margin. */
  function held(
    provider: Provider,
    token: SubjectToken,
    call: GetCredentialsOptions,
  ): Credentials | undefined {
    const t = now();
    const front = hot;
    const same =
      front !== undefined &&
      front.token === token &&
      front.provider === provider &&
      front.providerKey === provider.key;
    if (same && t < front.until) return front.entry.credentials;
    const key = same ? front.key : keys.peek(token, provider);
    if (key === undefined) return undefined;
    const { exp, nbf } = token.claims;
    const tokenUntil = typeof exp === "number" ? exp * 1000 + skewMs : Number.POSITIVE_INFINITY;
    if (tokenUntil <= t || (typeof nbf === "number" && nbf * 1000 - skewMs > t)) return undefined;
    let entry: ReturnType<CredentialCache["get"]>;
    try {
      entry = cache.get(key);
    } catch {
      return undefined;
    }
    if (entry === undefined || entry instanceof Promise || t >= entry.expiresAt - policy.safetyMarginMs)
      return undefined;
    if (t >= entry.refreshAt) {
      startRefresh(provider, token, key, call);
    } else {
      const until = Math.min(tokenUntil, entry.expiresAt - policy.safetyMarginMs, entry.refreshAt);
      hot = { token, provider, providerKey: provider.key, key, entry, until };
    }
    return entry.credentials;
  }

  async function viaSource<C extends Credentials>(
    provider: Provider<C>,
    source: SubjectTokenSource,
    call: GetCredentialsOptions,
  ): Promise<C> {
    let token: SubjectToken;
    try {
      token = await source.getToken(tokenRequest(provider.audience, call.signal));
    } catch (error) {
      return refuse(provider, undefined, error, call, "miss", monotonicMs());
    }
    const credentials = held(provider as Provider, token, call);
    if (credentials !== undefined) return credentials as C;
    return slowPath(provider, token, call);
  }

  return {
    audit,
    // Deliberately not `async`: the hit path returns an already-resolved promise without an async frame.
    getCredentials<C extends Credentials>(provider: Provider<C>, call?: GetCredentialsOptions): Promise<C> {
      const options_ = call ?? NO_OPTIONS;
      const source = options_.source ?? options.source;
      if (source === undefined) {
        return Promise.reject(
          new FederationError(
            "config",
            "No subject-token source: pass `source` to createFederation or getCredentials.",
            {
              provider: "core",
              hint: "For example createFederation({ source: envToken('OIDC_TOKEN') }).",
            },
          ),
        );
      }
      // The hit path: a source with the token at hand, a known key, held credentials: no await, no hashing.
      let peeked: SubjectToken | undefined;
      try {
        peeked = source.peek?.();
        if (peeked === undefined) return viaSource(provider, source, options_);
        const credentials = held(provider as Provider, peeked, options_);
        if (credentials !== undefined) return Promise.resolve(credentials as C);
      } catch {
        // A source or cache that throws synchronously takes the slow path, which turns it into a rejection.
        return viaSource(provider, source, options_);
      }
      return slowPath(provider, peeked, options_);
    },
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
      await audit.flush?.();
    },
  };
}

function asFederationError(error: unknown, provider: Provider): FederationError {
  if (error instanceof FederationError) return error;
  const name = error instanceof Error ? error.name : typeof error;
  return new FederationError("bad_response", `${provider.cloud} exchange failed unexpectedly (${name}).`, {
    provider: provider.cloud,
    cause: error,
    hint: "This points at a bug in the provider or the token source; the error's cause has the details.",
  });
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined, provider: string): Promise<T> {
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
