import { azureCloud } from "@fedkit/netlify/azure";
import { type AzureTrustPolicy, trustPolicyFor } from "@fedkit/netlify/trust";
import { describe, expect, it } from "vitest";
import config from "../netlify/fedkit.config.js";

describe("netlify-azure-blob", () => {
  it("derives one federated credential for the site and context from the config", () => {
    const trust = trustPolicyFor(config, "blobs", { context: "production" }) as AzureTrustPolicy;
    expect(trust).toHaveLength(1);
    expect(trust[0]?.credential).toEqual({
      name: `fedkit-site-${config.siteId}-context-production`,
      issuer: "https://fedkit-reports.netlify.app/oidc/production",
      subject: `site:${config.siteId}:context:production`,
      audiences: ["api://AzureADTokenExchange"],
      description: `fedkit: Netlify site ${config.siteId}, production deploys`,
    });
    expect(trust[0]?.command).toMatch(/^az ad app federated-credential create --id '97e0a5b7-/);
  });

  it("names the Azure plugin in `clouds`: an Entra provider for the target's app and scope", () => {
    const provider = azureCloud.provider({
      target: config.targets["blobs"] as never,
      targetName: "blobs",
      durationSeconds: undefined,
      env: () => undefined,
    });
    expect(provider).toMatchObject({ cloud: "azure", audience: "api://AzureADTokenExchange" });
    expect(config.clouds).toEqual({ azure: azureCloud });
  });
});
