// Security: Entra error answers that echo the client assertion (the subject token) never put it in
// error.message, error.toJSON(), String(error), audit events or logs, whatever the assertion's header looks like.

import { observeFailure, subjectTokenFor } from "@fedkit/test-support/redaction";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { azureProvider } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "00000000-1111-2222-3333-444444444444";
const assertion = subjectTokenFor("api://AzureADTokenExchange");
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
  const provider = azureProvider({
    clientId: CLIENT,
    tenantId: TENANT,
    scope: "https://storage.azure.com/.default",
    env: () => ({}),
  });
  return observeFailure(raw, provider, async () =>
    answer(kind, code, aad, `${raw} ${encodeURIComponent(raw)}`),
  );
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
