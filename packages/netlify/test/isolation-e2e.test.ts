/// <reference types="node" />
// The deploy-context boundary through the real adapter runtime (fedkitFor, the site issuer, the cloud plugins)
// against the emulator: a site running as deploy-preview, with the preview key, reaches for production's AWS
// role and GCP service account. It must be refused, the runtime must use the preview's own GCP pool, and the
// hint must call it the isolation working. Plus the AWS forgeries a preview key can sign, kept refused.

import { awsProvider } from "@fedkit/aws";
import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, gcpStateOf, startEmulator } from "@fedkit/emulator";
import { type GcpTrustConfig, gcpPoolId } from "@fedkit/gcp";
import { type FedkitConfig, fedkitFor, generateIssuerKeys } from "@fedkit/netlify";
import { awsCloud } from "@fedkit/netlify/aws";
import { gcpCloud } from "@fedkit/netlify/gcp";
import { trustPolicyFor } from "@fedkit/netlify/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forgeToken } from "./forge.js";
import {
  GCP_BODY,
  GCP_EMULATOR_CONFIG,
  GCP_PROJECT_NUMBER,
  GCP_SERVICE_ACCOUNT,
  registerGcpTrust,
} from "./gcp-support.js";
import { serveIssuer } from "./issuer-server.js";
import { SITE_ID } from "./support.js";

type Keys = Awaited<ReturnType<typeof generateIssuerKeys>>;
const ROLE = "reports-production";

describe("deploy-preview code reaching for production, through the adapter runtime", () => {
  let emulator: Emulator;
  let production: Keys;
  let preview: Keys;
  let site: Awaited<ReturnType<typeof serveIssuer>>;
  let roleArn: string;

  const configFor = (url: string, env: Record<string, string>): FedkitConfig => ({
    siteId: SITE_ID,
    siteUrl: url,
    clouds: { aws: awsCloud, gcp: gcpCloud },
    targets: {
      s3: {
        cloud: "aws",
        roleArn,
        region: "eu-west-1",
        endpoint: emulator.urls.sts,
        allowCustomEndpoint: true,
      },
      reports: {
        cloud: "gcp",
        projectId: "fedkit-reports",
        projectNumber: GCP_PROJECT_NUMBER,
        serviceAccount: GCP_SERVICE_ACCOUNT,
        stsEndpoint: emulator.urls.gcpSts!,
        iamCredentialsEndpoint: emulator.urls.iamCredentials!,
        allowCustomEndpoint: true,
        allowedOrigins: [emulator.urls.gcs!],
      },
    },
    functions: { report: { s3: {}, reports: {} } },
    runtime: { env: (name) => env[name] },
  });

  beforeAll(async () => {
    emulator = await startEmulator({ aws: {}, gcp: GCP_EMULATOR_CONFIG });
    roleArn = `arn:aws:iam::${emulator.aws.accountId}:role/${ROLE}`;
    [production, preview] = await Promise.all([
      generateIssuerKeys({ context: "production" }),
      generateIssuerKeys({ context: "deploy-preview" }),
    ]);
    site = await serveIssuer((url) =>
      configFor(url, {
        FEDKIT_ISSUER_KEYS: production.secret,
        FEDKIT_ISSUER_PUBLIC_KEYS: JSON.stringify({ "deploy-preview": { keys: [preview.publicJwk] } }),
      }),
    );
    // What the user set up: both issuers known to the account/project, trust generated for production only,
    // and (GCP) the preview's own pool and provider, bound to nothing of production's.
    for (const context of ["production", "deploy-preview"]) {
      emulator.aws.createOpenIdConnectProvider({
        url: `${site.url}/oidc/${context}`,
        clientIds: ["sts.amazonaws.com"],
      });
    }
    emulator.aws.putRole({ name: ROLE, trustPolicy: trustPolicyFor(site.config, "s3") as never });
    registerGcpTrust(emulator, trustPolicyFor(site.config, "reports") as GcpTrustConfig);
    // The deploy preview's own pool and provider (its trust generated for a target naming its own service
    // account), with no binding on production's service account.
    const previewTarget = { ...site.config.targets["reports"]!, trustContext: "deploy-preview" };
    const { serviceAccountBinding, ...previewProvider } = trustPolicyFor(
      { ...site.config, targets: { ...site.config.targets, reports: previewTarget } },
      "reports",
      { context: "deploy-preview" },
    ) as GcpTrustConfig;
    registerGcpTrust(emulator, previewProvider as GcpTrustConfig);
  });

  afterAll(async () => {
    await site?.stop();
    await emulator?.stop();
  });

  const runAs = (context: string, keys: Keys) =>
    fedkitFor(configFor(site.url, { FEDKIT_ISSUER_KEYS: keys.secret }), {
      functionName: "report",
      deployContext: context,
      siteId: SITE_ID,
    });
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => {
        expect(e).toBeInstanceOf(FederationError);
        return e as FederationError;
      },
    );

  it("production reads through both targets (the refusals below are not a broken setup)", async () => {
    const fedkit = await runAs("production", production);
    await expect(fedkit.credentials("s3")).resolves.toMatchObject({ kind: "aws" });
    const gcs = fedkit.client<(url: string) => Promise<Response>>("reports");
    const response = await gcs(
      `${emulator.urls.gcs}/storage/v1/b/fedkit-reports/o/reports%2Flatest.csv?alt=media`,
    );
    expect(await response.text()).toBe(GCP_BODY);
  });

  it("AWS: the preview is refused by production's role, and the hint calls it the isolation working", async () => {
    const refused = await refusal((await runAs("deploy-preview", preview)).credentials("s3"));
    expect(refused).toMatchObject({ code: "access_denied", cloudCode: "AccessDenied" });
    expect(refused?.hint).toMatch(/^Deploy-context isolation: "s3" is the production IAM role/);
    expect(refused?.hint).toContain("do not add deploy-preview to it");
    expect(refused?.hint).toContain("fedkit trust --target s3 --context deploy-preview");
    expect(refused?.hint).not.toMatch(/must allow|:sub" \("site:/);
  });

  it("GCP: the preview exchanges at ITS OWN pool, and production's service account refuses that principal", async () => {
    const before = gcpStateOf(emulator).tokens.size;
    const refused = await refusal((await runAs("deploy-preview", preview)).credentials("reports"));
    expect(refused).toMatchObject({ code: "access_denied", cloudCode: "PERMISSION_DENIED" });
    expect(refused?.hint).toMatch(
      /"reports" is the production service account; do not add deploy-preview to it/,
    );
    const previewPool = gcpPoolId(SITE_ID, "deploy-preview");
    const issued = [...gcpStateOf(emulator).tokens.values()].slice(before).map((t) => t.principal);
    expect(issued).toEqual([
      expect.objectContaining({
        kind: "federated",
        poolPath: expect.stringMatching(new RegExp(`/workloadIdentityPools/${previewPool}$`)),
        subject: `site:${SITE_ID}:context:deploy-preview:function:report`,
      }),
    ]);
  });

  describe("AWS forgeries a preview key can sign, presented to production's role", () => {
    // Everything production's token would say (sub, site, context, function), signed with the preview key.
    const forge = async (iss: "production" | "deploy-preview") => {
      const token = await forgeToken(preview.secret, {
        iss: `${site.url}/oidc/${iss}`,
        sub: `site:${SITE_ID}:context:production:function:report`,
        aud: "sts.amazonaws.com",
        site_id: SITE_ID,
        context: "production",
        function: "report",
      });
      const provider = awsProvider({
        roleArn,
        region: "eu-west-1",
        endpoint: emulator.urls.sts,
        allowCustomEndpoint: true,
      });
      return refusal(
        createFederation({ source: staticToken(token), audit: memoryAudit() }).getCredentials(provider),
      );
    };

    it("preview issuer, production's sub and context claims: the role trusts only production's OIDC provider", async () => {
      expect(await forge("deploy-preview")).toMatchObject({ cloudCode: "AccessDenied" });
    });

    it("production's iss, sub and claims signed with the preview key: not in production's JWKS", async () => {
      expect(await forge("production")).toMatchObject({ cloudCode: "InvalidIdentityToken" });
    });
  });
});
