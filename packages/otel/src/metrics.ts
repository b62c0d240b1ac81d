/**
 * The instruments `@fedkit/otel` records: exchanges, exchange latency, refresh failures, refusals, cache
 * lookups by level and shared-store outages.
 *
 * @packageDocumentation
 */

import type { AuditEvent } from "@fedkit/core/audit";
import type { CacheObservation } from "@fedkit/core/cache";
import type { Meter } from "@opentelemetry/api";

/** Creates the instruments once per sink. @internal */
export function instruments(meter: Meter) {
  const exchanges = meter.createCounter("fedkit.exchanges", {
    description: "Token exchanges with a cloud (foreground and background refresh), by provider and outcome.",
  });
  const latency = meter.createHistogram("fedkit.exchange.duration", {
    description: "Duration of token exchanges, retries included.",
    unit: "ms",
  });
  const refreshFailures = meter.createCounter("fedkit.refresh.failures", {
    description: "Background refreshes that failed (still-valid credentials kept).",
  });
  const refusals = meter.createCounter("fedkit.refusals", {
    description:
      "Calls refused before any exchange (guardrail, negative cache, invalid token), by error code.",
  });
  const lookups = meter.createCounter("fedkit.cache.lookups", {
    description: "Credential-cache lookups by level (memory, shared) and outcome (hit, miss, error).",
  });
  const outages = meter.createCounter("fedkit.cache.unavailable", {
    description: "Shared-store failures reported by the cache (degraded to isolate memory).",
  });

  return {
    event(event: AuditEvent): void {
      const provider = event.provider;
      switch (event.type) {
        case "exchange":
        case "refresh":
          exchanges.add(1, { provider, kind: event.type, outcome: "success" });
          latency.record(event.durationMs, { provider, outcome: "success" });
          break;
        case "failure": {
          const kind = event.cache === "stale" ? "refresh" : "exchange";
          exchanges.add(1, { provider, kind, outcome: "failure", code: event.error?.code ?? "unknown" });
          latency.record(event.durationMs, { provider, outcome: "failure" });
          if (kind === "refresh") refreshFailures.add(1, { provider, code: event.error?.code ?? "unknown" });
          break;
        }
        case "refusal":
          refusals.add(1, { provider, code: event.error?.code ?? "unknown" });
          break;
        case "cache_unavailable":
          outages.add(1, { store: event.labels?.["store"] ?? "unknown" });
          break;
      }
    },
    cache(observation: CacheObservation): void {
      lookups.add(1, { level: observation.level, outcome: observation.outcome, store: observation.store });
    },
  };
}
