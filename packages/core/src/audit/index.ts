/**
 * `@fedkit/core/audit`: the audit sinks fedkit ships and the events they receive.
 *
 * `createFederation` writes to a `consoleAudit()` unless told otherwise. Import this entry to change that sink,
 * to collect events in tests (`memoryAudit`), to audit evictions of a bounded cache (`evictionAudit`), or to write
 * a sink of your own (`AuditSink`, `AuditEvent`).
 *
 * @example
 * ```ts
 * import { createFederation, envToken } from "@fedkit/core";
 * import { memoryAudit } from "@fedkit/core/audit";
 *
 * const audit = memoryAudit();
 * const federation = createFederation({ source: envToken("FEDKIT_TOKEN"), audit });
 * ```
 *
 * @packageDocumentation
 */

export type { AuditEvent, AuditEventType, AuditSink, CacheOutcome } from "../types.js";
export { type ConsoleAuditOptions, consoleAudit } from "./console.js";
export { type EvictionAuditOptions, evictionAudit } from "./evictions.js";
export { type MemoryAudit, memoryAudit } from "./memory.js";
