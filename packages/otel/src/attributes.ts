/**
 * Audit event → OpenTelemetry attributes. Events carry nothing secret by construction (no token, no credential);
 * this mapping adds nothing else.
 *
 * @packageDocumentation
 */
import type { AuditEvent } from "@fedkit/core/audit";

/** Attribute values OpenTelemetry accepts. @internal */
export type AttributeValue = string | number | boolean | string[];

/**
 * The attributes of an event: `fedkit.provider`, `fedkit.target.*`, `fedkit.subject.iss`/`sub`, `fedkit.cache`,
 * `fedkit.attempts`, `fedkit.duration_ms`, `fedkit.error.*`, `fedkit.correlation_id`, labels as `fedkit.label.*`.
 * @internal
 */
export function eventAttributes(event: AuditEvent): Record<string, AttributeValue> {
  const attributes: Record<string, AttributeValue | undefined> = {
    "fedkit.event": event.type,
    "fedkit.provider": event.provider,
    "fedkit.target.role": event.target.role,
    "fedkit.target.audience": event.target.audience,
    "fedkit.target.client": event.target.client,
    "fedkit.target.scopes": event.target.scopes === undefined ? undefined : [...event.target.scopes],
    "fedkit.subject.iss": event.subject.iss,
    "fedkit.subject.sub": event.subject.sub,
    "fedkit.subject.trust": event.subject.trust,
    "fedkit.subject.jti_hash": event.subject.jtiHash,
    "fedkit.cache": event.cache,
    "fedkit.attempts": event.attempts,
    "fedkit.duration_ms": event.durationMs,
    "fedkit.session_name": event.sessionName,
    "fedkit.expires_at": event.expiresAt,
    "fedkit.correlation_id": event.correlationId,
    "fedkit.request_id": event.requestId,
    "fedkit.error.code": event.error?.code,
    "fedkit.error.status": event.error?.status,
    "fedkit.error.cloud_code": event.error?.cloudCode,
  };
  for (const [name, value] of Object.entries(event.labels ?? {})) attributes[`fedkit.label.${name}`] = value;
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined) out[name] = value;
  return out;
}
