import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aadsts, type EntraFailure } from "../../src/azure/errors.js";
import { entraState } from "../../src/azure/service.js";
import { ConfigError, type Emulator, startEmulator } from "../../src/index.js";
import { REAL_ENTRA_ERRORS } from "../entra-real-errors.js";

const TENANT = "11111111-2222-4333-8444-555555555555";
const APP = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const OTHER_APP = "ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const SUBJECT = "site:1234:context:production";
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

let emulator: Emulator;
let clock = Date.now();

beforeAll(async () => {
  emulator = await startEmulator(
    {
      azure: {
        tenants: [{ tenantId: TENANT, domains: ["contoso.onmicrosoft.com"] }],
        apps: [
          { clientId: APP, federatedCredentials: [{ issuer: "PLACEHOLDER", subject: SUBJECT }] },
          { clientId: OTHER_APP },
        ],
      },
    },
    { now: () => clock },
  );
  // The IdP's URL is only known after start: replace the placeholder credential with the real issuer.
  const app = entraState(emulator.state).apps.get(APP)!;
  app.federatedCredentials.length = 0;
  entraState(emulator.state).addFederatedCredential(APP, { issuer: emulator.idp.issuer, subject: SUBJECT });
});
afterAll(() => emulator.stop());

async function token(options: {
  assertion?: string;
  clientId?: string;
  scope?: string;
  tenant?: string;
  extra?: Record<string, string>;
}) {
  const form = new URLSearchParams({
    client_id: options.clientId ?? APP,
    scope: options.scope ?? "https://storage.azure.com/.default",
    grant_type: "client_credentials",
    client_assertion_type: ASSERTION_TYPE,
    ...(options.assertion === undefined ? {} : { client_assertion: options.assertion }),
    ...options.extra,
  });
  const res = await fetch(`${emulator.urls.entra}/${options.tenant ?? TENANT}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const mint = (claims: Record<string, unknown> = {}, sub = SUBJECT, aud = "api://AzureADTokenExchange") =>
  emulator.idp.mint({ sub, aud, claims });

/** Checks the answer against what Entra really sends for `code` (test/entra-real-errors.ts, with sources). */
async function expectAadsts(result: { status: number; body: Record<string, unknown> }, code: number) {
  const real = REAL_ENTRA_ERRORS[code];
  if (!real) throw new Error(`no real shape recorded for AADSTS${code}`);
  expect({ status: result.status, error: result.body["error"] }, `AADSTS${code}`).toEqual({
    status: real.status,
    error: real.error,
  });
  expect(result.body["error_codes"]).toEqual([code]);
  const description = String(result.body["error_description"]);
  expect(description).toMatch(
    new RegExp(
      `^AADSTS${code}: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`,
    ),
  );
  if (real.message) expect(description.slice(`AADSTS${code}: `.length)).toMatch(real.message);
  expect(Object.keys(result.body).sort()).toEqual(
    [
      "correlation_id",
      "error",
      "error_codes",
      "error_description",
      "error_uri",
      "timestamp",
      "trace_id",
    ].sort(),
  );
}

describe("emulated Entra", () => {
  it("serves the tenant's v2 discovery and keys, also by verified domain", async () => {
    const res = await fetch(
      `${emulator.urls.entra}/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`,
    );
    const doc = (await res.json()) as Record<string, string>;
    expect(doc["token_endpoint"]).toBe(`${emulator.urls.entra}/${TENANT}/oauth2/v2.0/token`);
    expect(doc["issuer"]).toBe(`${emulator.urls.entra}/${TENANT}/v2.0`);
    const keys = (await (await fetch(doc["jwks_uri"]!)).json()) as { keys: unknown[] };
    expect(keys.keys).toHaveLength(1);
  });

  it("issues a signed v1 access token for the scope's resource", async () => {
    const before = entraState(emulator.state).tokensIssued;
    const { status, body } = await token({ assertion: await mint() });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599 });
    const jwks = createRemoteJWKSet(new URL(`${emulator.urls.entra}/${TENANT}/discovery/v2.0/keys`));
    const { payload } = await jwtVerify(String(body["access_token"]), jwks, { currentDate: new Date(clock) });
    expect(payload).toMatchObject({
      iss: `https://sts.windows.net/${TENANT}/`,
      aud: "https://storage.azure.com",
      appid: APP,
      tid: TENANT,
      idtyp: "app",
    });
    expect(entraState(emulator.state).tokensIssued).toBe(before + 1);
  });

  it("matches issuer, audience and subject exactly, with Entra's codes and statuses", async () => {
    // The per-claim codes are invalid_client / 401 (azure-workload-identity#1200, microsoft/Agents#202); the
    // catch-all 70021 is invalid_request / 400 (the oracle's verbatim body).
    await expectAadsts(await token({ assertion: await mint({ iss: "https://other.example" }) }), 700211);
    await expectAadsts(await token({ assertion: await mint({}, SUBJECT, "api://Other") }), 700212);
    await expectAadsts(
      await token({ assertion: await mint({}, "site:1234:context:deploy-preview") }),
      700213,
    );
    await expectAadsts(await token({ assertion: await mint({}, SUBJECT.toUpperCase()) }), 7002138);
    const none = await token({ clientId: OTHER_APP, assertion: await mint() });
    await expectAadsts(none, 70021);
    expect(String(none.body["error_description"])).toContain(`Assertion Subject: '${SUBJECT}'`);
  });

  it("treats a new credential as unmatched until it propagates", async () => {
    entraState(emulator.state).addFederatedCredential(
      OTHER_APP,
      { issuer: emulator.idp.issuer, subject: "late" },
      { propagationMs: 5000 },
    );
    await expectAadsts(await token({ clientId: OTHER_APP, assertion: await mint({}, "late") }), 70021);
    clock += 5000;
    expect((await token({ clientId: OTHER_APP, assertion: await mint({}, "late") })).status).toBe(200);
  });

  it("validates time, signature, key and algorithm", async () => {
    const expired = await mint({ exp: Math.floor(clock / 1000) - 600, iat: Math.floor(clock / 1000) - 1200 });
    await expectAadsts(await token({ assertion: expired }), 700024);
    const good = await mint();
    const tampered = `${good.slice(0, good.lastIndexOf(".") + 1)}${"A".repeat(good.length - good.lastIndexOf(".") - 1)}`;
    await expectAadsts(await token({ assertion: tampered }), 700027);
    const es = await emulator.idp.mint({ sub: SUBJECT, aud: "api://AzureADTokenExchange", alg: "ES256" });
    await expectAadsts(await token({ assertion: es }), 5002730);
    await expectAadsts(await token({ assertion: "not-a-jwt" }), 50027);
  });

  it("reports a signing key missing from the issuer's JWKS as AADSTS7000272", async () => {
    const kid = await emulator.idp.rotate("RS256");
    const assertion = await emulator.idp.mint({ sub: SUBJECT, aud: "api://AzureADTokenExchange", kid });
    emulator.idp.retire(kid);
    clock += 1_200_000; // past the verifier's JWKS cache and refetch cooldown; the assertion is still valid
    const result = await token({ assertion });
    await expectAadsts(result, 7000272);
    expect(String(result.body["error_description"])).toContain(kid);
  });

  it("refuses bad requests with real codes", async () => {
    const assertion = await mint();
    await expectAadsts(await token({ assertion, scope: "https://storage.azure.com" }), 70011);
    await expectAadsts(await token({ assertion, scope: "https://unknown.example/.default" }), 500011);
    await expectAadsts(await token({ assertion, clientId: "00000000-0000-4000-8000-000000000000" }), 700016);
    await expectAadsts(await token({ assertion, tenant: "nope.onmicrosoft.com" }), 90002);
    await expectAadsts(await token({ assertion, extra: { client_secret: "s" } }), 7000215);
    await expectAadsts(await token({}), 7000218);
  });

  it("answers an unreachable issuer with AADSTS50166 (invalid_request, 400)", async () => {
    const appState = entraState(emulator.state);
    appState.addFederatedCredential(OTHER_APP, { issuer: "http://127.0.0.1:9/nowhere", subject: "s" });
    const assertion = await mint({ iss: "http://127.0.0.1:9/nowhere" }, "s");
    await expectAadsts(await token({ clientId: OTHER_APP, assertion }), 50166);
  });

  it("every AADSTS code the emulator can produce has Entra's real error and status", () => {
    const failures = Object.values(aadsts).map((make) =>
      (make as (...args: unknown[]) => EntraFailure)(1_700_000_000, 1_700_000_000, 1_700_000_000),
    );
    for (const failure of failures) {
      const real = REAL_ENTRA_ERRORS[failure.code];
      expect(real, `AADSTS${failure.code} has no recorded real shape`).toBeDefined();
      expect(failure.error, `AADSTS${failure.code}`).toBe(real!.error);
      if (real!.message) expect(failure.message, `AADSTS${failure.code}`).toMatch(real!.message);
    }
    expect(failures.length).toBe(Object.keys(REAL_ENTRA_ERRORS).length);
  });

  it("echoes a GUID client-request-id as correlation_id", async () => {
    const id = "0b6e1c1e-8a53-4a4f-9e0f-2f6b7d1c9a11";
    const res = await fetch(`${emulator.urls.entra}/${TENANT}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "client-request-id": id },
      body: "grant_type=client_credentials&client_id=x",
    });
    expect(((await res.json()) as Record<string, unknown>)["correlation_id"]).toBe(id);
  });
});

describe("azure config", () => {
  it("refuses a federated credential with two audiences", async () => {
    const config = {
      azure: {
        apps: [
          {
            clientId: APP,
            federatedCredentials: [{ issuer: "https://i", subject: "s", audiences: ["a", "b"] }],
          },
        ],
      },
    };
    await expect(startEmulator(config as never)).rejects.toThrow(ConfigError);
  });
});
