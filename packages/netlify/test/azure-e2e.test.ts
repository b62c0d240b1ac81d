/// <reference types="node" />
// End to end through Netlify's own local edge runtime (Deno): the Azure sample site mints RS256 tokens with its
// production key set behind an https front, the emulator's Entra (TLS) matches them against the federated
// credential trustPolicyFor produced and fetches the issuer's discovery and JWKS, and Azurite (the real Azure
// Storage emulator, HTTPS, --oauth basic) serves the private blob. Certificates come from the test CA
// (NODE_EXTRA_CA_CERTS for Node, DENO_CERT for Deno); TLS verification stays on.

import { azureProvider } from "@fedkit/azure";
import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, entraState, startEmulator } from "@fedkit/emulator";
import { createSiteIssuer, generateIssuerKeys, importIssuerKeySet } from "@fedkit/netlify";
import { type LocalSite, serveLocalSite } from "@fedkit/netlify/node";
import { type AzureTrustPolicy, trustPolicyFor } from "@fedkit/netlify/trust";
import { type Azurite, startAzurite } from "@fedkit/test-support/azurite";
import { loadTestTls } from "@fedkit/test-support/tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sampleConfig from "../../../apps/netlify-azure-blob/netlify/fedkit.config.js";
import {
  AZURE_SAMPLE_DIR,
  azureBuiltPackagesPresent,
  BLOB_BODY,
  CLIENT,
  httpsFront,
  SEEDER,
  seedBlob,
  TENANT,
} from "./azure-support.js";
import { forgeToken } from "./forge.js";
import { fedkitAudit, SITE_ID, sampleIssuerEnv } from "./support.js";

const built = azureBuiltPackagesPresent();

describe.skipIf(!built)(
  "Azure sample site on the local edge runtime against Entra emulator + Azurite",
  () => {
    let emulator: Emulator;
    let azurite: Azurite;
    let site: LocalSite | undefined;
    let front: Awaited<ReturnType<typeof httpsFront>>;
    let preview: Awaited<ReturnType<typeof generateIssuerKeys>>;
    let production: Awaited<ReturnType<typeof generateIssuerKeys>>;
    const output: string[] = [];

    beforeAll(async () => {
      const tls = await loadTestTls();
      [emulator, azurite, production, preview] = await Promise.all([
        startEmulator({
          tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
          azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: CLIENT }, { clientId: SEEDER }] },
        }),
        startAzurite(tls),
        generateIssuerKeys({ context: "production" }),
        generateIssuerKeys({ context: "deploy-preview" }),
      ]);
      await seedBlob(emulator, azurite.accountUrl, azurite.origin);
      front = await httpsFront(tls, () => site?.url ?? "http://127.0.0.1:9");
      site = await serveLocalSite({
        siteDir: AZURE_SAMPLE_DIR,
        siteId: SITE_ID,
        output: (line) => output.push(line),
        env: {
          DENO_CERT: process.env["DENO_CERT"]!,
          ...sampleIssuerEnv(front.url, production, preview),
          FEDKIT_ENTRA_AUTHORITY: emulator.urls.entra!,
          FEDKIT_BLOB_ORIGIN: azurite.origin,
          BLOB_CONTAINER_URL: `${azurite.accountUrl}/private`,
        },
      });
      // What a user does once in Entra: the federated credential from trustPolicyFor on the app registration.
      const trust = trustPolicyFor({ ...sampleConfig, siteUrl: front.url }, "blobs") as AzureTrustPolicy;
      for (const { credential } of trust) {
        entraState(emulator.state).addFederatedCredential(CLIENT, {
          name: credential.name,
          issuer: credential.issuer,
          subject: credential.subject,
          audience: credential.audiences[0],
        });
      }
    }, 90_000);

    afterAll(async () => {
      await site?.stop();
      await Promise.all([front?.close(), emulator?.stop(), azurite?.stop()]);
    });

    const get = (path: string, init?: RequestInit) => fetch(`${site!.url}${path}`, init);

    it("reads the private blob through the mapped edge function", async () => {
      const entra = entraState(emulator.state);
      const issued = entra.tokensIssued;
      const response = await get("/blob?name=hello.txt", { headers: { "x-nf-request-id": "req-blob-1" } });
      expect(await response.text()).toBe(BLOB_BODY);
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("private, no-store");
      expect(entra.tokensIssued).toBe(issued + 1);
      const audit = fedkitAudit(output);
      const exchange = audit.find((e) => e.type === "exchange" && e.correlationId === "req-blob-1");
      expect(exchange).toMatchObject({
        provider: "azure",
        subject: { sub: `site:${SITE_ID}:context:production` },
      });
      expect(output.join("\n")).not.toMatch(/eyJ[\w-]{10,}\./);
    }, 60_000);

    it("refuses the unmapped function with policy_refused before any token request", async () => {
      const requests = entraState(emulator.state).tokenRequests;
      const response = await get("/unmapped", { headers: { "x-nf-request-id": "req-unmapped-1" } });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: { code: "policy_refused", requestId: "req-unmapped-1" },
      });
      expect(entraState(emulator.state).tokenRequests).toBe(requests);
    }, 30_000);

    /** Exchanges a token the site could mint in `context` (with that context's key) straight at the Entra emulator. */
    async function exchange(
      context: string,
      subjectForm: "site" | "function",
      key: "own" | "preview" = "own",
    ): Promise<FederationError> {
      const secret = context === "production" && key === "own" ? production.secret : preview.secret;
      const issuer = createSiteIssuer({
        siteUrl: front.url,
        siteId: SITE_ID,
        context,
        // The preview's key relabelled: what preview code holding its own key could sign as production.
        keys: { ...(await importIssuerKeySet(secret)), context },
      });
      const token = await issuer.mint({
        audience: "api://AzureADTokenExchange",
        functionName: "blob",
        subjectForm,
      });
      const federation = createFederation({ source: staticToken(token), audit: memoryAudit() });
      const provider = azureProvider({
        clientId: CLIENT,
        tenantId: TENANT,
        scope: "https://storage.azure.com/.default",
        authorityHost: emulator.urls.entra!,
        allowCustomAuthority: true,
        propagationAttempts: 1,
        env: () => ({}),
      });
      const error = await federation.getCredentials(provider).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(FederationError);
      return error as FederationError;
    }

    it("refuses a deploy-preview token: no federated credential has its issuer (AADSTS700211)", async () => {
      const error = await exchange("deploy-preview", "site");
      expect(error.cloudCode).toBe("AADSTS700211");
      expect(error.hint).toContain(`${front.url}/oidc/deploy-preview`);
      expect(error.message + (error.hint ?? "")).not.toMatch(/eyJ[\w-]{10,}\./);
    }, 30_000);

    it("refuses a preview key posing as the production issuer: its kid is not in that JWKS (AADSTS7000272)", async () => {
      const error = await exchange("production", "site", "preview");
      expect(error.cloudCode).toBe("AADSTS7000272");
      expect(error.hint).toBeTruthy();
    }, 30_000);

    it("refuses a preview-signed token with production's sub and context claims under the preview issuer (AADSTS700211)", async () => {
      const token = await forgeToken(preview.secret, {
        iss: `${front.url}/oidc/deploy-preview`,
        sub: `site:${SITE_ID}:context:production`,
        aud: "api://AzureADTokenExchange",
        site_id: SITE_ID,
        context: "production",
      });
      const provider = azureProvider({
        clientId: CLIENT,
        tenantId: TENANT,
        scope: "https://storage.azure.com/.default",
        authorityHost: emulator.urls.entra!,
        allowCustomAuthority: true,
        propagationAttempts: 1,
        env: () => ({}),
      });
      const error = await createFederation({ source: staticToken(token), audit: memoryAudit() })
        .getCredentials(provider)
        .then(
          () => undefined,
          (e: unknown) => e as FederationError,
        );
      expect(error).toBeInstanceOf(FederationError);
      expect(error?.cloudCode).toBe("AADSTS700211");
      expect(error?.hint).not.toMatch(/needs a federated credential with issuer/);
    }, 30_000);

    it("refuses a subject with no federated credential (AADSTS700213) and names it in the hint", async () => {
      const error = await exchange("production", "function");
      expect(error.cloudCode).toBe("AADSTS700213");
      expect(error.code).not.toBe("network_error");
      expect(error.hint).toContain(`site:${SITE_ID}:context:production:function:blob`);
    }, 30_000);
  },
);
