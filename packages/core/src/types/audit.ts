/**
 * The audit trail: the events the engine writes and the sink they go to. Nothing secret is in an event.
 *
 * @packageDocumentation
 */
import type { FederationErrorCode, SubjectSummary } from "../errors.js";
import type { MaybePromise } from "./runtime.js";
import type { TokenTrust } from "./tokens.js";

/** What the audit log records as the target of an exchange (no secrets). @public */
export interface AuditTarget {
  /** AWS role ARN, GCP service account, Entra client id, ... */
  readonly role?: string;
  /** The audience of the subject token. */
  readonly audience?: string;
  /** Entra client id / GCP workload identity provider. */
  readonly client?: string;
  /** Scopes requested. */
  readonly scopes?: readonly string[];
}

/** Kinds of audit events. @public */
export type AuditEventType =
  | "exchange"
  | "refresh"
  | "refusal"
  | "failure"
  | "cache_unavailable"
  | "cache_eviction";

/**
 * How the cache took part in the call the event describes. Hits are not audited (an event per hit would cost more
 * than the hit), so only the outcomes that lead to an event exist: `miss` (exchanged because nothing usable was
 * cached), `refresh` (a background refresh before expiry), `stale` (a refresh failed while a still-valid entry was
 * served) and `negative` (refused from failure memory without calling the cloud).
 * @public
 */
export type CacheOutcome = "miss" | "stale" | "refresh" | "negative";

/**
 * One audit event. Nothing secret is in it: the subject is described by claims and a hash of its `jti`.
 * @public
 */
export interface AuditEvent {
  /** ISO 8601 time of the event. */
  readonly time: string;
  readonly type: AuditEventType;
  readonly provider: string;
  readonly target: AuditTarget;
  readonly subject: SubjectSummary & { readonly jtiHash?: string; readonly trust?: TokenTrust };
  readonly sessionName?: string;
  /** ISO 8601 expiry of the credentials handed out. */
  readonly expiresAt?: string;
  readonly durationMs: number;
  readonly attempts?: number;
  readonly cache: CacheOutcome;
  readonly error?: {
    readonly code: FederationErrorCode;
    readonly status?: number;
    readonly cloudCode?: string;
    readonly message?: string;
  };
  /** Ties the event to the request that caused it (Netlify's `context.requestId`). */
  readonly correlationId: string;
  /** The cloud's request id of the exchange. */
  readonly requestId?: string;
  /** Free-form, non-secret context added by adapters (site, deploy context, function). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Where audit events go: a log drain, a queue, memory in tests. @public */
export interface AuditSink {
  readonly name: string;
  write(event: AuditEvent): MaybePromise<void>;
  /** Sends anything buffered; adapters call it through the scheduler after the response. */
  flush?(): Promise<void>;
}
