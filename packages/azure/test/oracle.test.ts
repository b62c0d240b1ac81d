/// <reference types="node" />
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createExchangeContext } from "@fedkit/core/provider";
import { requireOracleDir } from "@fedkit/test-support/oracles";
import { describe, expect, it } from "vitest";
import { azureProvider, JWT_BEARER_ASSERTION_TYPE, parseEntraError } from "../src/index.js";
import { scriptedFetch, subjectToken } from "./helpers.js";

interface Oracle {
  tokenRequest: { docExampleFederatedCredential: string; msalNodeAssertionTypeConstant: string };
  successResponse: { docExample: { status: number; body: Record<string, unknown> } };
  errors: Array<{ aadsts: number; httpStatus: number; error: string; body: Record<string, unknown> }>;
}

const dir = requireOracleDir("azure");
const suite = dir ? describe : describe.skip;
const oracle: Oracle | undefined = dir
  ? JSON.parse(readFileSync(join(dir, "entra-client-assertion-token-endpoint.json"), "utf8"))
  : undefined;

suite(`Entra oracle (../shared/oracles/azure)${dir ? "" : " — skipped: oracle directory not found"}`, () => {
  it("sends the body fields of Microsoft's federated-credential request example", async () => {
    const example = oracle!.tokenRequest.docExampleFederatedCredential;
    const [head, ...bodyLines] = example.split("\n\n");
    const expectedFields = new URLSearchParams(bodyLines.join("").replace(/\n/g, ""));
    const tenantPath = /POST \/(\{tenant\})\/oauth2\/v2\.0\/token/.exec(head ?? "");
    expect(tenantPath).not.toBeNull();
    const { fetch, calls } = scriptedFetch([() => Response.json(oracle!.successResponse.docExample.body)]);
    const provider = azureProvider({
      clientId: expectedFields.get("client_id")!,
      tenantId: "contoso.onmicrosoft.com",
      scope: expectedFields.get("scope")!,
      env: () => ({}),
    });
    await provider.exchange(subjectToken(), createExchangeContext({ fetch }));
    const sent = calls[0]!.form;
    expect([...sent.keys()].sort()).toEqual([...expectedFields.keys()].sort());
    for (const field of ["client_id", "scope", "grant_type", "client_assertion_type"]) {
      expect(sent.get(field)).toBe(expectedFields.get(field));
    }
    expect(oracle!.tokenRequest.msalNodeAssertionTypeConstant.split(" ")[0]).toBe(JWT_BEARER_ASSERTION_TYPE);
    expect(calls[0]!.url).toBe("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
  });

  it("reads Microsoft's success example", async () => {
    const { fetch } = scriptedFetch([() => Response.json(oracle!.successResponse.docExample.body)]);
    const provider = azureProvider({
      clientId: "c",
      tenantId: "t1",
      scope: "https://graph.microsoft.com/.default",
      env: () => ({}),
    });
    const result = await provider.exchange(subjectToken(), createExchangeContext({ fetch, now: () => 0 }));
    expect(result.credentials.token).toBe(oracle!.successResponse.docExample.body["access_token"]);
    expect(result.credentials.expiresAt).toBe(
      Number(oracle!.successResponse.docExample.body["expires_in"]) * 1000,
    );
  });

  it("maps every recorded error body with its code, ids and presented claims", async () => {
    let cases = 0;
    for (const entry of oracle!.errors) {
      const parsed = parseEntraError(JSON.stringify(entry.body));
      expect(parsed?.aadsts).toBe(entry.aadsts);
      expect(parsed?.error).toBe(entry.error);
      expect(parsed?.description).not.toMatch(/Trace ID|Correlation ID|Timestamp/);
      const { fetch } = scriptedFetch([() => Response.json(entry.body, { status: entry.httpStatus })]);
      const provider = azureProvider({
        clientId: "c",
        tenantId: "t1",
        scope: "https://storage.azure.com/.default",
        propagationAttempts: 1,
        env: () => ({}),
      });
      const error = await provider.exchange(subjectToken(), createExchangeContext({ fetch })).catch((e) => e);
      expect(error.cloudCode).toBe(`AADSTS${entry.aadsts}`);
      expect(error.status).toBe(entry.httpStatus);
      expect(error.traceId).toBe(entry.body["trace_id"]);
      expect(error.requestId).toBe(entry.body["correlation_id"]);
      expect(error.hint).toContain("iss='https://site.example/.well-known/fedkit'");
      cases++;
    }
    expect(cases).toBe(oracle!.errors.length);
    console.info(`Entra oracle: ${cases} recorded error bodies checked`);
  });
});
