/**
 * Builds audit events. Only claims that identify the subject (`iss`, `sub`, `aud`), a hash of `jti`, and
 * non-secret facts about the exchange go in; never a token, a secret or a session token.
 *
 * @packageDocumentation
 */
import { FederationError } from "../errors.js";
import { summarizeSubject } from "../tokens.js";
import type {
  AuditEvent,
  AuditEventType,
  CacheEntry,
  CacheOutcome,
  Provider,
  SubjectToken,
} from "../types.js";
import { sha256Hex } from "../util/encoding.js";

/** What the engine knows when it reports. @internal */
export interface EventInput {
  readonly type: AuditEventType;
  readonly provider: Provider;
  readonly token?: SubjectToken;
  readonly cache: CacheOutcome;
  readonly durationMs: number;
  readonly correlationId: string;
  readonly now: number;
  readonly attempts?: number;
  readonly entry?: CacheEntry;
  readonly requestId?: string;
  readonly error?: unknown;
  readonly labels?: Readonly<Record<string, string>>;
}

const jtiHashes = new WeakMap<SubjectToken, Promise<string | undefined>>();

/** Starts hashing the token's `jti` early, so the event is ready when the exchange ends. @internal */
export function jtiHash(token: SubjectToken): Promise<string | undefined> {
  let hash = jtiHashes.get(token);
  if (hash === undefined) {
    const jti = token.claims.jti;
    hash = typeof jti === "string" ? sha256Hex(jti) : Promise.resolve(undefined);
    jtiHashes.set(token, hash);
  }
  return hash;
}

/** @internal */
export async function buildEvent(input: EventInput): Promise<AuditEvent> {
  const subject: { -readonly [K in keyof AuditEvent["subject"]]: AuditEvent["subject"][K] } = {};
  if (input.token !== undefined) {
    Object.assign(subject, summarizeSubject(input.token));
    const hash = await jtiHash(input.token);
    if (hash !== undefined) subject.jtiHash = hash;
    subject.trust = input.token.trust;
  }
  const event: { -readonly [K in keyof AuditEvent]: AuditEvent[K] } = {
    time: new Date(input.now).toISOString(),
    type: input.type,
    provider: input.provider.cloud,
    target: input.provider.target,
    subject,
    durationMs: Math.round(input.durationMs * 1000) / 1000,
    cache: input.cache,
    correlationId: input.correlationId,
  };
  if (input.entry?.sessionName !== undefined) event.sessionName = input.entry.sessionName;
  if (input.entry !== undefined) event.expiresAt = new Date(input.entry.expiresAt).toISOString();
  if (input.attempts !== undefined) event.attempts = input.attempts;
  if (input.requestId !== undefined) event.requestId = input.requestId;
  if (input.error instanceof FederationError) {
    const error: {
      -readonly [K in keyof NonNullable<AuditEvent["error"]>]: NonNullable<AuditEvent["error"]>[K];
    } = {
      code: input.error.code,
      message: input.error.message,
    };
    if (input.error.status !== undefined) error.status = input.error.status;
    if (input.error.cloudCode !== undefined) error.cloudCode = input.error.cloudCode;
    event.error = error;
    if (input.error.requestId !== undefined && event.requestId === undefined)
      event.requestId = input.error.requestId;
  }
  if (input.labels !== undefined && Object.keys(input.labels).length > 0) event.labels = input.labels;
  return event;
}
