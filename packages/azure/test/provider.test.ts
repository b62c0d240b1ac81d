import { FederationError } from "@fedkit/core";
import { createExchangeContext } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { azureProvider, JWT_BEARER_ASSERTION_TYPE } from "../src/index.js";
import { ISSUER, SUBJECT, scriptedFetch, subjectToken } from "./helpers.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";
const SCOPE = "https://storage.azure.com/.default";
const fast = { baseDelayMs: 1, maxDelayMs: 2 };

const ok =
  (body: Record<string, unknown> = {}) =>
  () =>
    Response.json({
      token_type: "Bearer",
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: "at-123",
      ...body,
    });

const entraError = (status: number, code: number, error: string, description: string) => () =>
  Response.json(
    {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: 11111111-1111-1111-1111-111111111111 Correlation ID: 22222222-2222-2222-2222-222222222222 Timestamp: 2025-01-01 00:00:00Z`,
      error_codes: [code],
      timestamp: "2025-01-01 00:00:00Z",
      trace_id: "11111111-1111-1111-1111-111111111111",
      correlation_id: "22222222-2222-2222-2222-222222222222",
    },
    { status },
  );

function provider(extra: Record<string, unknown> = {}) {
  return azureProvider({ clientId: CLIENT, tenantId: TENANT, scope: SCOPE, env: () => ({}), ...extra });
}

async function failure(p: ReturnType<typeof provider>, responses: Array<() => Response>) {
  const { fetch, calls } = scriptedFetch(responses);
  const error = await p
    .exchange(subjectToken(), createExchangeContext({ fetch, retry: fast }))
    .catch((e) => e);
  expect(error).toBeInstanceOf(FederationError);
  return { error: error as FederationError, calls };
}

describe("azureProvider exchange", () => {
  it("sends one client-credentials POST with the federated assertion and no discovery", async () => {
    const { fetch, calls } = scriptedFetch([ok()]);
    const subject = subjectToken();
    const now = 1_700_000_000_000;
    const result = await provider().exchange(subject, createExchangeContext({ fetch, now: () => now }));
    expect(calls).toHaveLength(1);
    const [call] = calls;
    expect(call?.url).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    expect(call?.init.method).toBe("POST");
    expect(Object.fromEntries(call?.form ?? [])).toEqual({
      client_id: CLIENT,
      scope: SCOPE,
      grant_type: "client_credentials",
      client_assertion_type: JWT_BEARER_ASSERTION_TYPE,
      client_assertion: subject.raw,
    });
    expect(result.credentials).toEqual({
      kind: "access-token",
      token: "at-123",
      tokenType: "Bearer",
      scopes: [SCOPE],
      expiresAt: now + 3599 * 1000,
    });
    expect(result.refreshAt).toBeUndefined();
  });

  it("honours refresh_in as the refresh time", async () => {
    const { fetch } = scriptedFetch([ok({ expires_in: 86399, refresh_in: 43199 })]);
    const now = 1_700_000_000_000;
    const result = await provider().exchange(
      subjectToken(),
      createExchangeContext({ fetch, now: () => now }),
    );
    expect(result.refreshAt).toBe(now + 43199 * 1000);
    expect(result.credentials.expiresAt).toBe(now + 86399 * 1000);
  });

  it("passes a GUID correlation id as client-request-id", async () => {
    const { fetch, calls } = scriptedFetch([ok()]);
    const correlationId = "0b6e1c1e-8a53-4a4f-9e0f-2f6b7d1c9a11";
    await provider().exchange(subjectToken(), createExchangeContext({ fetch, correlationId }));
    expect(new Headers(calls[0]?.init.headers).get("client-request-id")).toBe(correlationId);
  });

  it("maps AADSTS700213 to subject_mismatch naming presented and required claims, keeping ids", async () => {
    const { error } = await failure(provider(), [
      entraError(
        400,
        700213,
        "invalid_request",
        `No matching federated identity record found for presented assertion subject '${SUBJECT}'.`,
      ),
    ]);
    expect(error.code).toBe("subject_mismatch");
    expect(error.cloudCode).toBe("AADSTS700213");
    expect(error.status).toBe(400);
    expect(error.traceId).toBe("11111111-1111-1111-1111-111111111111");
    expect(error.requestId).toBe("22222222-2222-2222-2222-222222222222");
    expect(error.hint).toContain(`sub='${SUBJECT}'`);
    expect(error.hint).toContain(`iss='${ISSUER}'`);
    expect(error.hint).toContain("audience 'api://AzureADTokenExchange'");
    expect(error.hint).toContain(CLIENT);
    // Describes the mismatch; never tells to add a credential for whatever was presented.
    expect(error.hint).toContain("supposed to be refused");
    expect(error.hint).not.toMatch(/needs a federated credential with issuer/);
    expect(error.cloudMessage).not.toContain("Trace ID");
  });

  it.each([
    [700211, 400, "invalid_request", "issuer_untrusted", `iss='${ISSUER}'`],
    [700212, 400, "invalid_request", "audience_mismatch", "aud='api://AzureADTokenExchange'"],
    [7002138, 400, "invalid_request", "subject_mismatch", "differs only in case"],
    [700024, 401, "invalid_client", "expired_subject_token", "clock skew between the issuer and Entra"],
    [7000272, 401, "invalid_client", "invalid_subject_token", "Publish the kid in the JWKS"],
    [700027, 401, "invalid_client", "invalid_subject_token", "RS256"],
    [70011, 400, "invalid_scope", "invalid_request", `'${SCOPE}'`],
    [7000215, 401, "invalid_client", "config", "fedkit sends none"],
    [700016, 400, "unauthorized_client", "config", "AZURE_CLIENT_ID"],
    [90002, 400, "invalid_request", "config", "AZURE_TENANT_ID"],
  ] as const)(
    "maps AADSTS%i to a fedkit code with a hint",
    async (code, status, oauth, expected, fragment) => {
      const { error, calls } = await failure(provider(), [entraError(status, code, oauth, "message")]);
      expect(error.code).toBe(expected);
      expect(error.cloudCode).toBe(`AADSTS${code}`);
      expect(error.hint).toContain(fragment);
      expect(error.retryable).toBe(false);
      expect(calls).toHaveLength(1);
    },
  );

  it.each([
    [50027, 400, "invalid_request", "invalid_request"],
    [1002012, 400, "invalid_scope", "invalid_request"],
    [700222, 401, "invalid_client", "access_denied"],
    [7002121, 400, "unauthorized_client", "access_denied"],
  ] as const)(
    "maps AADSTS%i, outside fedkit's table, by Entra's error alone, with Entra's message and no hint",
    async (code, status, oauth, expected) => {
      const { error } = await failure(provider(), [entraError(status, code, oauth, "refused here.")]);
      expect(error).toMatchObject({ code: expected, cloudCode: `AADSTS${code}`, retryable: false });
      expect(error.cloudMessage).toBe(`AADSTS${code}: refused here.`);
      expect(error.hint).toBeUndefined();
    },
  );

  it("calls AADSTS700024 clock skew with the seconds measured from Entra's Date header", async () => {
    const now = Date.now();
    const subject = subjectToken({}, now);
    const at = (offset: number) => () => {
      const answer = entraError(401, 700024, "invalid_client", "not within its valid time range")();
      const headers = new Headers(answer.headers);
      headers.set("date", new Date(now + offset * 1000).toUTCString());
      return new Response(answer.body, { status: 401, headers });
    };
    for (const [offset, words] of [
      [400, /already expired \(Entra's clock read 40\d s after its iat; it lives 300 s\)/],
      [-120, /not yet valid \(Entra's clock read 1[12]\d s before its iat/],
    ] as const) {
      const { fetch } = scriptedFetch([at(offset)]);
      const error = (await provider()
        .exchange(subject, createExchangeContext({ fetch, retry: fast }))
        .catch((e) => e)) as FederationError;
      expect(error.code).toBe("expired_subject_token");
      expect(error.hint).toMatch(words);
      expect(error.hint).toContain("change no trust policy");
    }
  });

  it("retries AADSTS70021 a capped number of times (propagation), then reports it", async () => {
    const noMatch = entraError(
      400,
      70021,
      "invalid_request",
      "No matching federated identity record found for presented assertion.",
    );
    const { error, calls } = await failure(provider({ propagationAttempts: 3 }), [noMatch]);
    expect(calls).toHaveLength(3);
    expect(error.code).toBe("subject_mismatch");
    expect(error.retryable).toBe(true);
    expect(error.hint).toContain("propagate");
  });

  it("succeeds when AADSTS70021 clears within the retry budget", async () => {
    const noMatch = entraError(400, 70021, "invalid_request", "No matching federated identity record.");
    const { fetch, calls } = scriptedFetch([noMatch, ok()]);
    const result = await provider().exchange(subjectToken(), createExchangeContext({ fetch, retry: fast }));
    expect(calls).toHaveLength(2);
    expect(result.credentials.token).toBe("at-123");
  });

  it("reports 5xx as provider_unavailable and 429 as throttled, never network", async () => {
    const down = await failure(provider(), [
      () => new Response("<html>oops</html>", { status: 503, headers: { "content-type": "text/html" } }),
    ]);
    expect(down.error.code).toBe("provider_unavailable");
    expect(down.error.status).toBe(503);
    expect(down.error.message).toContain("text/html");
    const slow = await failure(provider(), [
      entraError(429, 50196, "temporarily_unavailable", "Too many requests."),
    ]);
    expect(slow.error.code).toBe("throttled");
    expect(slow.error.cloudCode).toBe("AADSTS50196");
  });

  it("reports a non-JSON 400 as bad_response with what was received", async () => {
    const { error } = await failure(provider(), [
      () => new Response("nope", { status: 400, headers: { "content-type": "text/plain" } }),
    ]);
    expect(error.code).toBe("bad_response");
    expect(error.message).toContain("HTTP 400 (text/plain)");
  });

  it("refuses a 200 without access_token", async () => {
    const { error } = await failure(provider(), [() => Response.json({ token_type: "Bearer" })]);
    expect(error).toMatchObject({
      code: "bad_response",
      provider: "azure",
      status: 200,
      attempts: 1,
      retryable: false,
      message: "Entra answered HTTP 200 without access_token",
    });
  });

  it.each([undefined, 0, -5, "soon", true])(
    "refuses a 200 whose expires_in is %j (never a token that looks valid forever)",
    async (expiresIn) => {
      const body = { token_type: "Bearer", access_token: "at-1", expires_in: expiresIn };
      const { error } = await failure(provider(), [() => Response.json(body)]);
      expect(error).toMatchObject({ code: "bad_response", message: expect.stringContaining("expires_in") });
    },
  );

  it.each([
    [43199, 43199_000],
    ["43199", 43199_000],
    [90000, undefined],
    [true, undefined],
    [0, undefined],
  ])("takes refresh_in %j only below the expiry", async (refreshIn, after) => {
    const { fetch } = scriptedFetch([ok({ expires_in: 86399, refresh_in: refreshIn })]);
    const now = 1_700_000_000_000;
    const result = await provider().exchange(
      subjectToken(),
      createExchangeContext({ fetch, now: () => now }),
    );
    expect(result.refreshAt).toBe(after === undefined ? undefined : now + after);
  });
});

describe("azureProvider options", () => {
  it("reads AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_AUTHORITY_HOST from the env getter", () => {
    const p = azureProvider({
      scope: SCOPE,
      env: () => ({
        AZURE_CLIENT_ID: CLIENT,
        AZURE_TENANT_ID: TENANT,
        AZURE_AUTHORITY_HOST: "https://login.microsoftonline.us/",
      }),
    });
    expect(p.clientId).toBe(CLIENT);
    expect(p.tenantId).toBe(TENANT);
    expect(p.authorityHost).toBe("https://login.microsoftonline.us");
    expect(p.audience).toBe("api://AzureADTokenExchangeUSGov");
  });

  it("defaults the audience to api://AzureADTokenExchange and keys on every input", () => {
    const a = provider();
    expect(a.audience).toBe("api://AzureADTokenExchange");
    expect(provider({ scope: "https://vault.azure.net/.default" }).key).not.toBe(a.key);
    expect(provider({ audience: "api://custom" }).key).not.toBe(a.key);
    expect(a.withScope("https://vault.azure.net/.default").resource).toBe("https://vault.azure.net");
  });

  it("refuses an authority outside Microsoft's hosts unless opted in", () => {
    expect(() => provider({ authorityHost: "https://login.evil.example" })).toThrow(
      expect.objectContaining({ code: "endpoint_refused" }),
    );
    expect(
      provider({ authorityHost: "https://127.0.0.1:8443", allowCustomAuthority: true }).authorityHost,
    ).toBe("https://127.0.0.1:8443");
  });

  it("names what is missing or wrong", () => {
    expect(() => azureProvider({ scope: SCOPE, env: () => ({}) })).toThrow(/AZURE_CLIENT_ID/);
    expect(() => provider({ tenantId: undefined })).toThrow(/AZURE_TENANT_ID/);
    expect(() => provider({ tenantId: "common" })).toThrow(/Directory \(tenant\) ID/);
    expect(() => provider({ tenantId: "a/b" })).toThrow(/AZURE_TENANT_ID/);
    // Multi-tenant aliases (any case) cannot issue app-only tokens; a path or query character would move the URL.
    for (const tenantId of [
      "Organizations",
      "CONSUMERS",
      "a?b",
      "a#b",
      "-contoso.com",
      "contoso.com.",
      "a b",
      "",
    ])
      expect(() => provider({ tenantId })).toThrow(/AZURE_TENANT_ID/);
    for (const tenantId of [
      "72f988bf-86f1-41af-91ab-2d7cd011db47",
      "Contoso.onmicrosoft.com",
      "commonwealth.org",
      "c",
    ])
      expect(provider({ tenantId }).tenantId).toBe(tenantId);
    expect(() => provider({ scope: "https://storage.azure.com" })).toThrow(TypeError);
    expect(() => provider({ scope: "a/.default b/.default" })).toThrow(TypeError);
    expect(() => provider({ authorityHost: "https://login.microsoftonline.com/tenant" })).toThrow(
      /must be an origin/,
    );
    expect(() => provider({ propagationAttempts: 0 })).toThrow(TypeError);
  });
});
