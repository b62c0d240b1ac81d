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
import { cleanCloudId } from "../util/ids.js";

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
  const error = input.error instanceof FederationError ? input.error : undefined;
  const labels =
    input.labels !== undefined && Object.keys(input.labels).length > 0 ? input.labels : undefined;
  // Absent fields are left out, not set to undefined (the sinks serialise events as they are).
  return defined({
    time: new Date(input.now).toISOString(),
    type: input.type,
    provider: input.provider.cloud,
    target: input.provider.target,
    subject,
    durationMs: Math.round(input.durationMs * 1000) / 1000,
    cache: input.cache,
    correlationId: input.correlationId,
    sessionName: input.entry?.sessionName,
    expiresAt: input.entry && new Date(input.entry.expiresAt).toISOString(),
    attempts: input.attempts,
    // Cloud-supplied: cleaned here too, so no provider can hand an unchecked id to an audit sink.
    requestId: cleanCloudId(input.requestId ?? error?.requestId),
    error:
      error &&
      defined({
        code: error.code,
        message: error.message,
        status: error.status,
        cloudCode: error.cloudCode,
      }),
    labels,
  }) as AuditEvent;
}

function defined<T extends Record<string, unknown>>(object: T): T {
  for (const key in object) if (object[key] === undefined) delete object[key];
  return object;
}
