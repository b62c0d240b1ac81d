/**
 * The emulated Entra token endpoint against the azure oracle (../shared/oracles/azure): its verbatim AADSTS70021
 * body, and Entra's observed status per OAuth error, for every AADSTS code the emulator can produce.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { requireOracleDir } from "@fedkit/test-support/oracles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aadsts, type EntraFailure } from "../src/azure/errors.js";
import { type Emulator, startEmulator } from "../src/index.js";
import { REAL_ENTRA_ERRORS } from "./entra-real-errors.js";

interface Oracle {
  errorResponseFormat: { statusByErrorObserved: Record<string, number> };
  errors: Array<{ aadsts: number; httpStatus: number; error: string; body: Record<string, unknown> }>;
}

const FILE = "entra-client-assertion-token-endpoint.json";
const dir = requireOracleDir("azure", FILE);
const oracle: Oracle | undefined = dir ? JSON.parse(readFileSync(join(dir, FILE), "utf8")) : undefined;
const TENANT = "11111111-2222-4333-8444-555555555555";
const APP = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

/** `AADSTS<code>: <message>` without the trace part, whichever separator (`\r\n` before 2023, a space after). */
const messageOf = (description: string) => description.split(/\r\n| Trace ID: /)[0]!;

(oracle ? describe : describe.skip)("Entra answers like the oracle's real bodies", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: APP }] } });
    // An app with no federated credential at all: Entra's catch-all AADSTS70021.
  });
  afterAll(() => emulator?.stop());

  it("AADSTS70021: same status, error, fields and message shape as the verbatim body", async () => {
    const real = oracle!.errors.find((e) => e.aadsts === 70021)!;
    const iss = emulator.idp.issuer;
    const assertion = await emulator.idp.mint({ sub: "workload", aud: "api://AzureADTokenExchange" });
    const response = await fetch(`${emulator.urls.entra}/${TENANT}/oauth2/v2.0/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        client_id: APP,
        scope: "https://storage.azure.com/.default",
        grant_type: "client_credentials",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(response.status).toBe(real.httpStatus);
    expect(body["error"]).toBe(real.body["error"]);
    expect(body["error_codes"]).toEqual(real.body["error_codes"]);
    expect(Object.keys(body).sort()).toEqual(Object.keys(real.body).sort());
    const shape = (message: string, values: [string, string, string]) =>
      values.reduce((text, value) => text.replace(`'${value}'`, "'…'"), message);
    const realMessage = messageOf(String(real.body["error_description"]));
    expect(
      shape(messageOf(String(body["error_description"])), [iss, "workload", "api://AzureADTokenExchange"]),
    ).toBe(
      shape(realMessage, [
        "https://kubernetes.default.svc.cluster.local",
        "system:serviceaccount:default:workload-identity-sa",
        "api://AzureADTokenExchange",
      ]),
    );
  });

  it("every AADSTS code the emulator produces uses the status Entra is observed to send for its error", () => {
    const observed = oracle!.errorResponseFormat.statusByErrorObserved;
    for (const make of Object.values(aadsts)) {
      const failure = (make as (...args: unknown[]) => EntraFailure)(
        1_700_000_000,
        1_700_000_000,
        1_700_000_000,
      );
      const expected = observed[failure.error] ?? 400;
      expect(REAL_ENTRA_ERRORS[failure.code]?.status, `AADSTS${failure.code} (${failure.error})`).toBe(
        expected,
      );
    }
  });
});
