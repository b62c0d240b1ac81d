import {
  type Credentials,
  createFederation,
  FederationError,
  type Provider,
  staticToken,
} from "@fedkit/core";
import type { AuditEvent } from "@fedkit/core/audit";
import { encryptedCache, generateCacheKeySet, importCacheKeySet, tieredCache } from "@fedkit/core/cache";
import { base64url, utf8 } from "@fedkit/core/provider";
import { testAuditSink } from "@fedkit/core/testing";
import { otelAudit } from "@fedkit/otel";
import { metrics, SpanStatusCode, trace } from "@opentelemetry/api";
import { logs } from "@opentelemetry/api-logs";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";

/** A credential of this test's own (secrets included, to prove none is exported). */
interface AwsCredentials extends Credentials {
  readonly kind: "aws";
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

/** The SDK with in-memory exporters: what a user's OTLP exporter would receive. */
function sdk() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const logRecords = new InMemoryLogRecordExporter();
  const loggerProvider = new LoggerProvider({
    processors: [new SimpleLogRecordProcessor({ exporter: logRecords })],
  });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    tracerProvider,
    loggerProvider,
    meterProvider,
    sink: () =>
      otelAudit({
        tracer: tracerProvider.getTracer("test"),
        logger: loggerProvider.getLogger("test"),
        meter: meterProvider.getMeter("test"),
      }),
    spans: () => spans.getFinishedSpans(),
    logs: () => logRecords.getFinishedLogRecords(),
    /** Sum of a counter (or count of a histogram) over points whose attributes include `where`. */
    async metric(name: string, where: Record<string, string> = {}) {
      await reader.forceFlush();
      const batches = metricExporter.getMetrics();
      const last = batches.at(-1);
      let total = 0;
      for (const scope of last?.scopeMetrics ?? [])
        for (const m of scope.metrics)
          if (m.descriptor.name === name)
            for (const point of m.dataPoints as { attributes: Record<string, unknown>; value: unknown }[])
              if (Object.entries(where).every(([k, v]) => point.attributes[k] === v))
                total +=
                  typeof point.value === "number" ? point.value : (point.value as { count: number }).count;
      return total;
    },
  };
}

const part = (value: unknown) => base64url(utf8(JSON.stringify(value)));
const now = Math.floor(Date.now() / 1000);
const RAW_TOKEN = `${part({ alg: "RS256" })}.${part({ iss: "https://idp.test", sub: "repo:acme/app", aud: "sts.amazonaws.com", exp: now + 3600 })}.c2lnbmF0dXJlLXNlY3JldA`;

function provider(fail?: FederationError): Provider<AwsCredentials> {
  return {
    cloud: "aws",
    key: "role=reader",
    audience: "sts.amazonaws.com",
    target: { role: "arn:aws:iam::123456789012:role/reader" },
    async exchange() {
      if (fail) throw fail;
      return {
        credentials: {
          kind: "aws",
          accessKeyId: "ASIAOTELTEST00000000",
          secretAccessKey: "otel-secret-access-key",
          sessionToken: "otel-session-token",
          expiresAt: Date.now() + 3_600_000,
        },
      };
    },
  };
}

testAuditSink(
  "otelAudit (log records)",
  () => {
    const otel = sdk();
    return { sink: otel.sink(), read: () => otel.logs().map((r) => r.body as unknown as AuditEvent) };
  },
  { describe, it, expect },
);

describe("otelAudit through the engine", () => {
  it("records an exchange as one client span with the subject, target, cache outcome and attempts", async () => {
    const otel = sdk();
    const audit = otel.sink();
    const federation = createFederation({ source: staticToken(RAW_TOKEN), audit });
    await federation.getCredentials(provider());
    await federation.getCredentials(provider()); // a hit: no event, no span
    const spans = otel.spans();
    expect(spans.map((s) => s.name)).toEqual(["fedkit exchange aws"]);
    expect(spans[0]?.attributes).toMatchObject({
      "fedkit.provider": "aws",
      "fedkit.target.role": "arn:aws:iam::123456789012:role/reader",
      "fedkit.subject.iss": "https://idp.test",
      "fedkit.subject.sub": "repo:acme/app",
      "fedkit.cache": "miss",
      "fedkit.attempts": 0,
    });
    expect(typeof spans[0]?.attributes["fedkit.duration_ms"]).toBe("number");
    expect(otel.logs().map((r) => r.eventName)).toEqual(["fedkit.exchange"]);
    expect(await otel.metric("fedkit.exchanges", { outcome: "success" })).toBe(1);
    expect(await otel.metric("fedkit.exchange.duration")).toBe(1);
  });

  it("marks a failed exchange as an error span with its code, and counts it", async () => {
    const otel = sdk();
    const federation = createFederation({ source: staticToken(RAW_TOKEN), audit: otel.sink() });
    const denied = new FederationError("access_denied", "denied by the trust policy", {
      provider: "aws",
      status: 403,
    });
    await expect(federation.getCredentials(provider(denied))).rejects.toThrow(FederationError);
    const [span] = otel.spans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "access_denied" });
    expect(span?.attributes["fedkit.error.code"]).toBe("access_denied");
    expect(span?.attributes["fedkit.error.status"]).toBe(403);
    expect(otel.logs()[0]?.severityText).toBe("WARN");
    expect(await otel.metric("fedkit.exchanges", { outcome: "failure", code: "access_denied" })).toBe(1);
    expect(await otel.metric("fedkit.refresh.failures")).toBe(0);
  });

  it("never exports the subject token or a credential in spans, log records or metrics", async () => {
    const otel = sdk();
    const federation = createFederation({ source: staticToken(RAW_TOKEN), audit: otel.sink() });
    await federation.getCredentials(provider());
    const exported = JSON.stringify({
      spans: otel
        .spans()
        .map((s) => ({ name: s.name, attributes: s.attributes, status: s.status, events: s.events })),
      logs: otel.logs().map((r) => ({ body: r.body, attributes: r.attributes })),
      exchanges: await otel.metric("fedkit.exchanges"),
    });
    expect(exported).toContain("repo:acme/app");
    for (const secret of [
      RAW_TOKEN,
      "c2lnbmF0dXJlLXNlY3JldA",
      "otel-secret-access-key",
      "otel-session-token",
      "ASIAOTELTEST",
    ])
      expect(exported).not.toContain(secret);
  });

  it("counts cache lookups by level through tieredCache's observer, and shared-store outages", async () => {
    const otel = sdk();
    const telemetry = otel.sink();
    const keys = await importCacheKeySet(generateCacheKeySet("production"), { context: "production" });
    const down = {
      name: "down",
      getItem: () => Promise.reject(new Error("down")),
      setItem: () => Promise.reject(new Error("down")),
      removeItem: () => Promise.reject(new Error("down")),
    };
    const cache = tieredCache({
      shared: encryptedCache(down, keys),
      audit: telemetry,
      observe: telemetry.observeCache,
      retryAfterMs: 0,
    });
    const federation = createFederation({ source: staticToken(RAW_TOKEN), cache, audit: telemetry });
    await federation.getCredentials(provider());
    expect(await otel.metric("fedkit.cache.lookups", { level: "memory", outcome: "miss" })).toBeGreaterThan(
      0,
    );
    expect(await otel.metric("fedkit.cache.lookups", { level: "shared", outcome: "error" })).toBeGreaterThan(
      0,
    );
    expect(await otel.metric("fedkit.cache.unavailable", { store: "encrypted:down" })).toBe(1);
  });

  it("uses the globally registered providers by default", async () => {
    const otel = sdk();
    trace.setGlobalTracerProvider(otel.tracerProvider);
    logs.setGlobalLoggerProvider(otel.loggerProvider);
    metrics.setGlobalMeterProvider(otel.meterProvider);
    try {
      const federation = createFederation({ source: staticToken(RAW_TOKEN), audit: otelAudit() });
      await federation.getCredentials(provider());
      expect(otel.spans().length).toBe(1);
      expect(otel.logs().length).toBe(1);
      expect(await otel.metric("fedkit.exchanges")).toBe(1);
    } finally {
      trace.disable();
      logs.disable();
      metrics.disable();
    }
  });
});
