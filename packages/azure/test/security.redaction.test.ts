// Security: Entra error answers that echo the client assertion (the subject token) never put it in
// error.message, error.toJSON(), String(error), audit events or logs, whatever the assertion's header looks like.
import { type AuditEvent, consoleAudit, createFederation, staticToken } from "@fedkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { azureProvider } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "00000000-1111-2222-3333-444444444444";
const b64 = (value: string) => Buffer.from(value).toString("base64url");
const chunk = fc.stringMatching(/^[A-Za-z0-9_-]{12,40}$/);
const assertion = fc.record({ kid: chunk, sig: chunk, spaced: fc.boolean() }).map(({ kid, sig, spaced }) => {
  const now = Math.floor(Date.now() / 1000);
  const header = spaced ? `{ "alg": "RS256", "kid": "${kid}" }` : JSON.stringify({ alg: "RS256", kid });
  const claims = {
    iss: "https://idp.example",
    sub: "svc",
    aud: "api://AzureADTokenExchange",
    iat: now,
    exp: now + 600,
  };
  return `${b64(header)}.${b64(JSON.stringify(claims))}.${sig}`;
});
const aadsts = fc.constantFrom(70021, 700211, 700213, 700024, 7000272, 700027, 70011, 90002, 12345);
type Shape = "entra" | "html" | "text";
const shape = fc.constantFrom<Shape>("entra", "html", "text");
const status = fc.constantFrom(400, 401, 403, 429, 500, 503);

function answer(kind: Shape, code: number, aad: number, echoed: string): Response {
  switch (kind) {
    case "entra":
      return new Response(
        JSON.stringify({
          error: "invalid_client",
          error_description: `AADSTS${aad}: The assertion ${echoed} was refused.\r\nTrace ID: t\r\nCorrelation ID: c`,
          error_codes: [aad],
          trace_id: "t",
          correlation_id: "c",
        }),
        { status: code, headers: { "content-type": "application/json" } },
      );
    case "html":
      return new Response(`<html>${echoed}</html>`, {
        status: code,
        headers: { "content-type": "text/html" },
      });
    case "text":
      return new Response(`{"error":"invalid_client","error_description":"${echoed}`, { status: code });
  }
}

async function observe(raw: string, kind: Shape, code: number, aad: number) {
  const lines: string[] = [];
  const events: AuditEvent[] = [];
  const sink = consoleAudit({ log: (line) => lines.push(line) });
  const federation = createFederation({
    source: staticToken(raw),
    audit: {
      name: "tee",
      write: (e) => {
        events.push(e);
        return sink.write(e);
      },
    },
    retry: { maxAttempts: 1 },
    fetch: async () => answer(kind, code, aad, `${raw} ${encodeURIComponent(raw)}`),
  });
  const provider = azureProvider({
    clientId: CLIENT,
    tenantId: TENANT,
    scope: "https://storage.azure.com/.default",
    env: () => ({}),
  });
  const error = await federation.getCredentials(provider).then(
    () => undefined,
    (e: unknown) => e as Error & { toJSON?: () => unknown },
  );
  expect(error).toBeDefined();
  return [
    error!.message,
    String(error),
    JSON.stringify(error!.toJSON?.()),
    JSON.stringify(events),
    ...lines,
  ].join("\n");
}

describe("@fedkit/azure error paths never show the client assertion", () => {
  it("Entra errors echoing the assertion", async () => {
    await fc.assert(
      fc.asyncProperty(assertion, shape, status, aadsts, async (raw, kind, code, aad) => {
        const seen = await observe(raw, kind, code, aad);
        expect(seen).not.toContain(raw);
        expect(seen).not.toContain(raw.split(".")[2]!);
      }),
      { numRuns: 80 },
    );
  });
});
