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
  readonly attempts?: number;
  readonly entry?: CacheEntry | undefined;
  /** The cloud's request id as the provider returned it: cleaned here, against `secrets` too. */
  readonly requestId?: string | undefined;
  /** Strings the request id must not hold (the subject token, the credentials' strings). */
  readonly secrets?: readonly string[] | undefined;
  readonly error?: unknown;
}

/** Labels of an event. @internal */
export type EventLabels = Readonly<Record<string, string>> | undefined;

/**
 * The event for `input`, named `correlationId`, at `now` (ms since the epoch). Absent fields are left out, not set to undefined (the sinks serialise events as they
 * are); they are added only when present rather than deleted afterwards, which would leave an object slow to
 * copy and serialise for the sink.
 * @internal
 */
export function buildEvent(
  input: EventInput,
  correlationId: string,
  now: number,
  labels: EventLabels,
): AuditEvent {
  const { token, entry } = input;
  const error = input.error instanceof FederationError ? input.error : undefined;
  const event: Record<string, unknown> = {
    time: new Date(now).toISOString(),
    type: input.type,
    provider: input.provider.cloud,
    target: input.provider.target,
    subject: token ? subjectOf(token) : {},
    durationMs: Math.round(input.durationMs * 1000) / 1000,
    cache: input.cache,
    correlationId,
  };
  if (entry?.sessionName !== undefined) event["sessionName"] = entry.sessionName;
  if (entry !== undefined) event["expiresAt"] = new Date(entry.expiresAt).toISOString();
  if (input.attempts !== undefined) event["attempts"] = input.attempts;
  // Cloud-supplied: cleaned here (once per event), so no provider can hand an unchecked id to an audit sink.
  const requestId = cleanCloudId(input.requestId ?? error?.requestId, input.secrets);
  if (requestId !== undefined) event["requestId"] = requestId;
  if (error !== undefined) {
    const { code, message, status, cloudCode } = error;
    event["error"] = {
      code,
      message,
      ...(status !== undefined && { status }),
      ...(cloudCode !== undefined && { cloudCode }),
    };
  }
  if (labels !== undefined && Object.keys(labels).length > 0) event["labels"] = labels;
  return event as unknown as AuditEvent;
}

/** The subject's identifying claims, a hash of its `jti`, and how far fedkit trusts it. */
function subjectOf(token: SubjectToken): AuditEvent["subject"] {
  const jti = token.claims.jti;
  // A fresh object per call: completed in place, not copied.
  const subject = summarizeSubject(token) as Record<string, unknown>;
  if (typeof jti === "string") subject["jtiHash"] = hashHex(jti);
  subject["trust"] = token.trust;
  return subject as AuditEvent["subject"];
}
