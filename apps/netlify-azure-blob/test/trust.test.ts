import { trustPolicyFor } from "@fedkit/netlify";
import { describe, expect, it } from "vitest";
import { azureCloud } from "../netlify/azure-cloud.js";
import config from "../netlify/fedkit.config.js";

describe("netlify-azure-blob", () => {
  it("derives one federated credential for the site and context from the config", () => {
    const trust = trustPolicyFor(config, "blobs", { context: "production" }) as Array<{
      credential: { issuer: string; subject: string; audiences: string[] };
      command: string;
    }>;
    expect(trust).toHaveLength(1);
    const [first] = trust;
    expect(first?.credential.issuer).toMatch(/^https:\/\/fedkit-reports\.netlify\.app\//);
    expect(first?.credential.subject).toContain(config.siteId);
    expect(first?.credential.subject).toContain("production");
    expect(first?.credential.audiences).toEqual(["api://AzureADTokenExchange"]);
    expect(first?.command).toMatch(/^az ad app federated-credential create --id '97e0a5b7-/);
  });

  it("builds an Entra provider for the target and refuses per-user patterns", () => {
    const target = config.targets["blobs"] as never;
    const provider = azureCloud.provider({
      target,
      targetName: "blobs",
      durationSeconds: undefined,
      env: () => undefined,
    });
    expect(provider).toMatchObject({ cloud: "azure", audience: "api://AzureADTokenExchange" });
    expect(() =>
      azureCloud.trustPolicy({
        target,
        targetName: "blobs",
        issuer: "https://fedkit-reports.netlify.app/oidc/production",
        issuerHostPath: "fedkit-reports.netlify.app/oidc/production",
        audience: "api://AzureADTokenExchange",
        subjects: [],
        subjectPatterns: ["site:x:context:production:user:*"],
        context: "production",
        siteId: "x",
      }),
    ).toThrow(/exact subjects/);
  });
});
