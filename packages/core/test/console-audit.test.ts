import { type AuditEvent, consoleAudit } from "@fedkit/core/audit";
import { afterEach, describe, expect, it, vi } from "vitest";

const event = {
  time: "2026-01-01T00:00:00.000Z",
  type: "exchange",
  provider: "aws",
  subject: { iss: "https://idp.example", sub: "s", trust: "verified" },
  durationMs: 1.5,
  cache: "miss",
  correlationId: "00ff",
  labels: { tenant: 'a "quoted" value' },
} as unknown as AuditEvent;

afterEach(() => {
  vi.restoreAllMocks();
});

describe("consoleAudit lines", () => {
  it("writes one JSON line: the tag first as `source`, then every field of the event as it is", () => {
    const lines: string[] = [];
    consoleAudit({ log: (line) => lines.push(line), tag: "my-site" }).write(event);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.startsWith('{"source":"my-site","time":')).toBe(true);
    expect(JSON.parse(lines[0] ?? "")).toEqual({ source: "my-site", ...event });
  });

  it("an event with no fields is the tag alone; the default tag is fedkit and the default log console.log", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const sink = consoleAudit();
    sink.write({} as AuditEvent);
    sink.write(event);
    expect(log.mock.calls.map((call) => call[0])).toEqual([
      '{"source":"fedkit"}',
      JSON.stringify({ source: "fedkit", ...event }),
    ]);
  });
});
