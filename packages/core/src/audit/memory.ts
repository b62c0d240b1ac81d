/**
 * An audit sink that keeps events in an array: for tests and for adapters that ship events in batches.
 *
 * @packageDocumentation
 */
import type { AuditEvent, AuditSink } from "../types.js";

/** An {@link AuditSink} whose events can be read back. @public */
export interface MemoryAudit extends AuditSink {
  /** Every event written, oldest first. */
  readonly events: AuditEvent[];
  /** Forgets every event. */
  clear(): void;
}

/**
 * Keeps audit events in memory.
 *
 * @example
 * ```ts
 * const audit = memoryAudit();
 * const federation = createFederation({ source, audit });
 * await federation.getCredentials(aws);
 * audit.events[0]?.type; // "exchange"
 * ```
 * @public
 */
export function memoryAudit(): MemoryAudit {
  const events: AuditEvent[] = [];
  return {
    name: "memory",
    events,
    write(event) {
      events.push(event);
    },
    clear() {
      events.length = 0;
    },
    async flush() {},
  };
}
