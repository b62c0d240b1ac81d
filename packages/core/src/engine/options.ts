/**
 * The public shapes of the engine: its options, per-call options, and the object it returns.
 *
 * @packageDocumentation
 */
import type { RetryPolicy } from "../retry.js";
import type {
  AuditSink,
  Clock,
  CredentialCache,
  Credentials,
  FetchLike,
  Provider,
  RandomSource,
  Scheduler,
  SubjectTokenSource,
} from "../types.js";
import type { RefreshPolicy } from "./policy.js";

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
  /** Bounds of the federation's own tables. */
  limits?: FederationLimits;
}

/** Bounds of a federation's own tables, and how it reports hitting them. @public */
export interface FederationLimits {
  /**
   * Entries of the default memory cache (used when no `cache` is passed): one per (subject, target). Past it
   * the least recently used go, and their next call exchanges again. Default 1000.
   */
  cacheMaxEntries?: number;
  /** At most one `cache_eviction` audit event per this interval while evictions go on. Default 60000. */
  evictionAuditIntervalMs?: number;
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
  /**
   * The hit of `getCredentials(provider, { source })` when it is at hand: the credentials the call would be
   * served at once (the same settled promise), with no exchange, refresh, audit event or `getToken`; else
   * `undefined`, and the caller calls `getCredentials`. Lets an adapter build its per-call options only when a
   * call needs them. Optional: a `Federation` of another make may leave it out.
   */
  peek?<C extends Credentials>(provider: Provider<C>, source: SubjectTokenSource): Promise<C> | undefined;
  readonly audit: AuditSink;
  /** Waits for background refreshes and pending audit writes, then flushes the audit sink. */
  flush(): Promise<void>;
}
