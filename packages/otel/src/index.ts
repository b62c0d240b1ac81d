/**
 * `@fedkit/otel`: fedkit's audit trail through OpenTelemetry. Each audit event becomes a log record, each
 * exchange a span, and exchanges, latency, refresh failures and cache lookups become metrics, all through the
 * application's own SDK and exporter (OTLP to Honeycomb, Grafana, Datadog, ...). `@opentelemetry/api` and
 * `@opentelemetry/api-logs` are optional peer dependencies: install them with your SDK.
 *
 * @packageDocumentation
 */

import type { AuditSink } from "@fedkit/core";
import type { AuditEvent } from "@fedkit/core/audit";
import type { CacheObservation } from "@fedkit/core/cache";
import { type Meter, metrics, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import { type Logger, logs, type SeverityNumber } from "@opentelemetry/api-logs";
import { eventAttributes } from "./attributes.js";
import { instruments } from "./metrics.js";

const SCOPE = "@fedkit/otel";
const INFO = 9 as SeverityNumber;
const WARN = 13 as SeverityNumber;

/** Options of {@link otelAudit}. Each defaults to the global provider's, looked up when the sink is created. @public */
export interface OtelAuditOptions {
  tracer?: Tracer;
  meter?: Meter;
  logger?: Logger;
}

/** An {@link AuditSink} over OpenTelemetry, which also counts cache lookups. @public */
export interface OtelAudit extends AuditSink {
  /** Pass as `tieredCache({ observe })` to count cache hits and misses by level. */
  observeCache(observation: CacheObservation): void;
}

/**
 * Emits each audit event as a log record (body: the event; attributes: `fedkit.*`), each exchange, refresh
 * and failed exchange as a client span timed from the event's duration, and the metrics `fedkit.exchanges`,
 * `fedkit.exchange.duration`, `fedkit.refresh.failures`, `fedkit.refusals`, `fedkit.cache.lookups` and
 * `fedkit.cache.unavailable`. Events carry no token or credential, so neither do these.
 *
 * @example
 * ```ts
 * const telemetry = otelAudit();
 * const cache = tieredCache({ shared: encryptedCache(storage, keys), audit: telemetry, observe: telemetry.observeCache });
 * const federation = createFederation({ source, cache, audit: telemetry });
 * ```
 * @public
 */
export function otelAudit(options: OtelAuditOptions = {}): OtelAudit {
  const tracer = options.tracer ?? trace.getTracer(SCOPE);
  const logger = options.logger ?? logs.getLogger(SCOPE);
  const record = instruments(options.meter ?? metrics.getMeter(SCOPE));

  function span(event: AuditEvent, attributes: ReturnType<typeof eventAttributes>): void {
    if (event.type !== "exchange" && event.type !== "refresh" && event.type !== "failure") return;
    const end = Date.parse(event.time);
    const started = tracer.startSpan(
      `fedkit ${event.type === "refresh" ? "refresh" : "exchange"} ${event.provider}`,
      {
        kind: SpanKind.CLIENT,
        startTime: end - event.durationMs,
        attributes,
      },
    );
    if (event.error !== undefined)
      started.setStatus({ code: SpanStatusCode.ERROR, message: event.error.code });
    started.end(end);
  }

  return {
    name: "otel",
    write(event) {
      const attributes = eventAttributes(event);
      logger.emit({
        eventName: `fedkit.${event.type}`,
        timestamp: Date.parse(event.time),
        severityNumber: event.error === undefined ? INFO : WARN,
        severityText: event.error === undefined ? "INFO" : "WARN",
        body: event as unknown as Record<string, never>,
        attributes,
      });
      span(event, attributes);
      record.event(event);
    },
    observeCache(observation) {
      record.cache(observation);
    },
  };
}
