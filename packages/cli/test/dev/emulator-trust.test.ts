import { fileURLToPath } from "node:url";
import { type Emulator, entraState, type PolicyDocument, startEmulator } from "@fedkit/emulator";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { registerTrustInEmulator } from "../../src/dev/emulator-trust.js";
import { processIo } from "../../src/io.js";

const site = fileURLToPath(new URL("../support/site/", import.meta.url));
let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

describe("registerTrustInEmulator", () => {
  it("refuses an Azure target when the emulator serves no Entra, and a GCP service account the emulator lacks", async () => {
    const config = await loadConfig({ ...processIo(), cwd: site, env: {} }, undefined, undefined);
    emulator = await startEmulator({ gcp: { projectNumber: "987654321098", projectId: "acme-archive" } });
    expect(() => registerTrustInEmulator(emulator!, config, "blobs")).toThrow(
      "Target blobs is an Azure target, and the emulator serves no Entra.",
    );
    expect(() => registerTrustInEmulator(emulator!, config, "archive")).toThrow(
      "no service account archive-reader@acme-archive.iam.gserviceaccount.com",
    );
  });

  it("registers one OIDC provider per issuer however many AWS targets share it, and keeps a declared role's permissions", async () => {
    const config = await loadConfig({ ...processIo(), cwd: site, env: {} }, undefined, undefined);
    const permissions: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }],
    };
    emulator = await startEmulator({
      aws: {
        accountId: "210987654321",
        roles: [
          {
            name: "netlify-reports-reader",
            trustPolicy: {
              Version: "2012-10-17",
              Statement: [{ Effect: "Deny", Principal: "*", Action: "sts:AssumeRoleWithWebIdentity" }],
            },
            permissionPolicies: [permissions],
          },
        ],
      },
    });
    registerTrustInEmulator(emulator, config, "reports");
    registerTrustInEmulator(emulator, config, "reports");
    expect([...emulator.state.aws.oidcProviders.keys()]).toEqual([
      "reports.acme-widgets.test/oidc/production",
      "reports.acme-widgets.test/oidc/deploy-preview",
    ]);
    const role = emulator.state.aws.roles.get("netlify-reports-reader")!;
    expect(role.permissionPolicies).toEqual([permissions]);
    expect(JSON.stringify(role.trustPolicy)).toContain("AssumeRoleWithWebIdentity");
    expect(JSON.stringify(role.trustPolicy)).not.toContain('"Deny"');
  });

  it("adds the Azure target's federated credential to its app, exactly as `fedkit trust` prints it, and refuses an app in another tenant", async () => {
    const config = await loadConfig({ ...processIo(), cwd: site, env: {} }, undefined, undefined);
    const tenantId = "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d";
    const clientId = "3f1e2d4c-5b6a-4798-8a1b-2c3d4e5f6a7b";
    emulator = await startEmulator({ tls: true, azure: { tenants: [{ tenantId }], apps: [{ clientId }] } });
    expect(registerTrustInEmulator(emulator, config, "blobs")).toEqual({
      target: "blobs",
      cloud: "azure",
      trusts: clientId,
    });
    const app = entraState(emulator.state).apps.get(clientId)!;
    expect(
      app.federatedCredentials.map(({ issuer, subject, audience }) => ({ issuer, subject, audience })),
    ).toEqual([
      {
        issuer: "https://reports.acme-widgets.test/oidc/production",
        subject: "site:0f4c9e2a-7d31-4b8e-a6f5-3c2d1e0b9a87:context:production",
        audience: "api://AzureADTokenExchange",
      },
    ]);
    await emulator.stop();
    emulator = await startEmulator({
      tls: true,
      azure: { tenants: [{ tenantId: "11111111-2222-4333-8444-555555555555" }], apps: [{ clientId }] },
    });
    expect(() => registerTrustInEmulator(emulator!, config, "blobs")).toThrow(
      `no app registration ${clientId} in tenant ${tenantId}`,
    );
  });
});
