/**
 * The contract every {@link AuditSink} passes.
 *
 * @packageDocumentation
 */
import type { AuditEvent, AuditSink } from "../types.js";
import type { TestApi } from "./api.js";

/** A sink under test, and a way to read back what it wrote (parse the lines, query the store). @public */
export interface AuditSinkFixture {
  readonly sink: AuditSink;
  read(): AuditEvent[] | Promise<AuditEvent[]>;
}

function event(n: number, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    time: new Date(1_700_000_000_000 + n).toISOString(),
    type: "exchange",
    provider: "aws",
    target: { role: "arn:aws:iam::123456789012:role/reader", audience: "sts.amazonaws.com" },
    subject: {
      iss: "https://idp.example",
      sub: `user-${n}`,
      aud: "sts.amazonaws.com",
      jtiHash: "ab".repeat(32),
    },
    durationMs: 12.5,
    cache: "miss",
    correlationId: `corr-${n}`,
    ...extra,
  };
}

/**
 * Registers the audit-sink contract tests for `factory` (a new, empty sink per test).
 *
 * @example
 * ```ts
 * testAuditSink("memoryAudit", () => { const sink = memoryAudit(); return { sink, read: () => sink.events }; }, { describe, it, expect });
 * ```
 * @public
 */
export function testAuditSink(
  name: string,
  factory: () => AuditSinkFixture | Promise<AuditSinkFixture>,
  { describe, it, expect }: TestApi,
): void {
  describe(`AuditSink contract: ${name}`, () => {
    it("has a name", async () => {
      const { sink } = await factory();
      expect(typeof sink.name).toBe("string");
      expect(sink.name.length).toBeGreaterThan(0);
    });

    it("records an event with every field intact", async () => {
      const fixture = await factory();
      const full = event(1, {
        sessionName: "fedkit-1",
        expiresAt: new Date(1_700_003_600_000).toISOString(),
        attempts: 2,
        requestId: "req-1",
        labels: { site: "demo" },
      });
      await fixture.sink.write(full);
      await fixture.sink.flush?.();
      const read = await fixture.read();
      expect(read.length).toBe(1);
      expect(read[0]).toEqual(withSinkFields(read[0], full));
    });

    it("records failures with their error", async () => {
      const fixture = await factory();
      await fixture.sink.write(
        event(2, { type: "failure", error: { code: "access_denied", status: 403, message: "denied" } }),
      );
      await fixture.sink.flush?.();
      const [got] = await fixture.read();
      expect(got?.error?.code).toBe("access_denied");
      expect(got?.error?.status).toBe(403);
    });

    it("keeps events in order", async () => {
      const fixture = await factory();
      for (let i = 0; i < 5; i++) await fixture.sink.write(event(i));
      await fixture.sink.flush?.();
      const read = await fixture.read();
      expect(read.map((e) => e.correlationId).join(",")).toBe("corr-0,corr-1,corr-2,corr-3,corr-4");
    });
  });
}

/** The written event, allowing a sink to add fields of its own (a `source` tag) but not to change or drop ours. */
function withSinkFields(actual: AuditEvent | undefined, expected: AuditEvent): AuditEvent | undefined {
  if (actual === undefined) return undefined;
  const extra = Object.fromEntries(Object.entries(actual).filter(([k]) => !(k in expected)));
  return { ...expected, ...extra } as AuditEvent;
}
