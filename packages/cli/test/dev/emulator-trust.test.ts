import { fileURLToPath } from "node:url";
import { type Emulator, type PolicyDocument, startEmulator } from "@fedkit/emulator";
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
  it("refuses an Azure target with what to run instead, and a GCP service account the emulator lacks", async () => {
    const config = await loadConfig({ ...processIo(), cwd: site, env: {} }, undefined, undefined);
    emulator = await startEmulator({ gcp: { projectNumber: "987654321098", projectId: "acme-archive" } });
    expect(() => registerTrustInEmulator(emulator!, config, "blobs")).toThrow(
      "cannot register target blobs (cloud azure)",
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
});
