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
import { hashHex } from "../util/encoding.js";
import { cleanCloudId } from "../util/ids.js";

/** What the engine knows when it reports. @internal */
export interface EventInput {
  readonly type: AuditEventType;
  readonly provider: Provider;
  readonly token?: SubjectToken | undefined;
  readonly cache: CacheOutcome;
  readonly durationMs: number;
  readonly correlationId: string;
  readonly now: number;
  readonly attempts?: number;
  readonly entry?: CacheEntry;
  readonly requestId?: string | undefined;
  readonly error?: unknown;
  readonly labels?: Readonly<Record<string, string>> | undefined;
}

/** @internal */
export function buildEvent(input: EventInput): AuditEvent {
  const { token, entry, labels } = input;
  const jti = token?.claims.jti;
  const error = input.error instanceof FederationError ? input.error : undefined;
  // Absent fields are left out, not set to undefined (the sinks serialise events as they are).
  return defined({
    time: new Date(input.now).toISOString(),
    type: input.type,
    provider: input.provider.cloud,
    target: input.provider.target,
    subject: token
      ? defined({
          ...summarizeSubject(token),
          jtiHash: typeof jti === "string" ? hashHex(jti) : undefined,
          trust: token.trust,
        })
      : {},
    durationMs: Math.round(input.durationMs * 1000) / 1000,
    cache: input.cache,
    correlationId: input.correlationId,
    sessionName: entry?.sessionName,
    expiresAt: entry && new Date(entry.expiresAt).toISOString(),
    attempts: input.attempts,
    // Cloud-supplied: cleaned here too, so no provider can hand an unchecked id to an audit sink.
    requestId: cleanCloudId(input.requestId ?? error?.requestId),
    error:
      error &&
      defined({ code: error.code, message: error.message, status: error.status, cloudCode: error.cloudCode }),
    labels: labels && Object.keys(labels).length > 0 ? labels : undefined,
  }) as AuditEvent;
}

function defined<T extends Record<string, unknown>>(object: T): T {
  for (const key in object) if (object[key] === undefined) delete object[key];
  return object;
}
