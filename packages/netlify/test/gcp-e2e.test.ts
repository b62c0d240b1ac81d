/// <reference types="node" />
// End to end through Netlify's own local edge runtime (Deno), GCP edition: the sample site mints tokens with its
// production key set, the emulator's Google STS fetches the site's discovery and JWKS over HTTP and evaluates the
// attribute condition from trustPolicyFor (a real CEL engine), IAM Credentials impersonates the reader service
// account, and Cloud Storage checks the bucket's IAM binding.

import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, gcpStateOf, startEmulator } from "@fedkit/emulator";
import { gcpProvider } from "@fedkit/gcp";
import { createSiteIssuer, generateIssuerKeys, importIssuerKeySet } from "@fedkit/netlify";
import { type LocalSite, serveLocalSite } from "@fedkit/netlify/node";
import { type GcpTrustConfig, trustPolicyFor } from "@fedkit/netlify/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sampleConfig from "../../../apps/netlify-gcp-gcs/netlify/fedkit.config.js";
import {
  GCP_BODY,
  GCP_BUCKET,
  GCP_EMULATOR_CONFIG,
  GCP_SAMPLE_DIR,
  GCP_SERVICE_ACCOUNT,
  registerGcpTrust,
} from "./gcp-support.js";
import { builtPackagesPresent, fedkitAudit, SITE_ID, sampleIssuerEnv } from "./support.js";

const built = builtPackagesPresent(["core", "gcp", "netlify"]);

describe.skipIf(!built)("GCP sample site on the local edge runtime against the emulator", () => {
  let emulator: Emulator;
  let site: LocalSite;
  const output: string[] = [];
  let production: Awaited<ReturnType<typeof generateIssuerKeys>>;
  let preview: Awaited<ReturnType<typeof generateIssuerKeys>>;
  let trust: GcpTrustConfig;

  beforeAll(async () => {
    emulator = await startEmulator({ gcp: GCP_EMULATOR_CONFIG });
    production = await generateIssuerKeys({ context: "production" });
    preview = await generateIssuerKeys({ context: "deploy-preview" });
    site = await serveLocalSite({
      siteDir: GCP_SAMPLE_DIR,
      siteId: SITE_ID,
      output: (line) => output.push(line),
      env: (url) => ({
        ...sampleIssuerEnv(url, production, preview),
        FEDKIT_GCP_STS_ENDPOINT: emulator.urls.gcpSts!,
        FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT: emulator.urls.iamCredentials!,
        FEDKIT_GCS_ORIGIN: emulator.urls.gcs!,
        REPORTS_BUCKET: GCP_BUCKET,
      }),
    });
    trust = trustPolicyFor(
      { ...sampleConfig, siteId: SITE_ID, siteUrl: site.url },
      "reports",
    ) as GcpTrustConfig;
    registerGcpTrust(emulator, trust);
  }, 90_000);

  afterAll(async () => {
    await site?.stop();
    await emulator?.stop();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${site.url}${path}`, init);

  it("streams the private object: one STS exchange, one impersonation, the pinned principal", async () => {
    const response = await get("/report", { headers: { "x-nf-request-id": "req-gcp-report-1" } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(GCP_BODY);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const state = gcpStateOf(emulator);
    expect(state.calls.get("sts")).toBe(1);
    expect(state.calls.get("generateAccessToken")).toBe(1);
    const principals = [...state.tokens.values()].map((t) => t.principal);
    expect(principals).toContainEqual(
      expect.objectContaining({
        kind: "federated",
        subject: `site:${SITE_ID}:context:production:function:report`,
        attributes: { site: SITE_ID, context: "production", function: "report" },
      }),
    );
    expect(principals).toContainEqual({ kind: "service_account", email: GCP_SERVICE_ACCOUNT });
    const audit = fedkitAudit(output);
    expect(
      audit.some(
        (e) => e.type === "exchange" && e.correlationId === "req-gcp-report-1" && e.provider === "gcp",
      ),
    ).toBe(true);
    expect(output.join("\n")).not.toMatch(/eyJ[\w-]{10,}\./);
  }, 60_000);

  it("refuses the unmapped function with policy_refused before any token is minted", async () => {
    const sts = gcpStateOf(emulator).calls.get("sts");
    const response = await get("/unmapped", { headers: { "x-nf-request-id": "req-gcp-unmapped-1" } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: { code: "policy_refused", requestId: "req-gcp-unmapped-1" },
    });
    expect(gcpStateOf(emulator).calls.get("sts")).toBe(sts);
  }, 30_000);

  describe("tokens the production provider must refuse", () => {
    const exchange = async (context: string, functionName: string, keys: string, audience: string) => {
      const issuer = createSiteIssuer({
        siteUrl: site.url,
        siteId: SITE_ID,
        context,
        keys: { ...(await importIssuerKeySet(keys)), context },
      });
      const token = await issuer.mint({ audience: trust.subjectAudience, functionName });
      const federation = createFederation({ source: staticToken(token), audit: memoryAudit() });
      const provider = gcpProvider({
        audience,
        // The token's aud is the production provider's name; the other provider allows it explicitly.
        subjectAudience: trust.subjectAudience,
        serviceAccount: GCP_SERVICE_ACCOUNT,
        stsEndpoint: emulator.urls.gcpSts!,
        iamCredentialsEndpoint: emulator.urls.iamCredentials!,
        allowCustomEndpoint: true,
      });
      return federation.getCredentials(provider).then(
        () => undefined,
        (e: unknown) => e as FederationError,
      );
    };

    it("a deploy-preview token: its issuer is not the provider's", async () => {
      const refused = await exchange(
        "deploy-preview",
        "report",
        preview.secret,
        trust.workloadIdentityProvider,
      );
      expect(refused).toBeInstanceOf(FederationError);
      expect(refused?.code).toBe("issuer_untrusted");
      expect(refused?.cloudCode).toBe("invalid_grant");
    }, 30_000);

    it("a deploy-preview token at a provider for the preview issuer: refused by the attribute condition", async () => {
      // Isolates the condition: a provider (wrongly) created for the preview issuer with production's condition.
      const other = registerGcpTrust(emulator, trust, `${site.url}/oidc/deploy-preview`);
      const refused = await exchange("deploy-preview", "report", preview.secret, other);
      expect(refused).toBeInstanceOf(FederationError);
      expect(refused?.code).toBe("subject_mismatch");
      expect(refused?.cloudCode).toBe("unauthorized_client");
      expect(refused?.hint).toContain(`context:deploy-preview`);
    }, 30_000);

    it("a production token for another function: refused by the attribute condition", async () => {
      const refused = await exchange(
        "production",
        "unmapped",
        production.secret,
        trust.workloadIdentityProvider,
      );
      expect(refused?.code).toBe("subject_mismatch");
      expect(refused?.cloudCode).toBe("unauthorized_client");
      // The same key and issuer with the pinned function passes, so it is the condition that refused.
      expect(await exchange("production", "report", production.secret, trust.workloadIdentityProvider)).toBe(
        undefined,
      );
    }, 30_000);
  });
});
