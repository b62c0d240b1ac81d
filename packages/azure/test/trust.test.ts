import { describe, expect, it } from "vitest";
import { azureFederatedCredential } from "../src/index.js";

describe("azureFederatedCredential", () => {
  const issuer = "https://my-site.netlify.app/.well-known/fedkit";
  const subject = "site:1234:context:production";

  it("builds the credential with the exact subject and one audience, and the az command", () => {
    const { credential, json, command } = azureFederatedCredential({ issuer, subject, appId: "app-1" });
    expect(credential).toEqual({
      name: "fedkit-site-1234-context-production",
      issuer,
      subject,
      audiences: ["api://AzureADTokenExchange"],
    });
    expect(JSON.parse(json)).toEqual(credential);
    expect(command).toBe(
      `az ad app federated-credential create --id 'app-1' --parameters '${JSON.stringify(credential)}'`,
    );
  });

  it("quotes single quotes for the shell and uses $APP_ID when no app is given", () => {
    const { command } = azureFederatedCredential({ issuer, subject: "it's", name: "n-1" });
    expect(command).toContain(`--id "$APP_ID"`);
    expect(command).toContain(`"subject":"it'\\''s"`);
  });

  it("refuses what Entra refuses", () => {
    expect(() => azureFederatedCredential({ issuer: "http://insecure.example", subject })).toThrow(/https/);
    expect(() => azureFederatedCredential({ issuer, subject: "repo:*" })).toThrow(/wildcard/);
    expect(() => azureFederatedCredential({ issuer, subject, name: "-bad" })).toThrow(/name/);
    expect(() => azureFederatedCredential({ issuer: "nope", subject })).toThrow(TypeError);
  });
});
