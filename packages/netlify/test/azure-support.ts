/// <reference types="node" />
// Helpers of the Azure end-to-end test: an https front for the local site (Entra, and the emulator's Entra,
// trust https issuers only) and seeding Azurite through the emulator's Entra (Azurite takes bearer tokens).
import { fileURLToPath } from "node:url";
import { azureFetch, azureProvider } from "@fedkit/azure";
import { callbackToken, createFederation } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, entraState } from "@fedkit/emulator";
import { builtPackagesPresent } from "./support.js";

export const AZURE_SAMPLE_DIR = fileURLToPath(new URL("../../../apps/netlify-azure-blob/", import.meta.url));
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";
export const BLOB_BODY = "hello from a private Azure blob\n";
/** An app registration that trusts the emulator's own IdP, used only to seed Azurite. */
export const SEEDER = "0f3a4c1e-8d1b-4b8e-9a7e-5c2d7e6f1a01";

/** The edge runtime imports the built packages, Azure's included. */
export function azureBuiltPackagesPresent(): boolean {
  return builtPackagesPresent(["core", "azure", "netlify"]);
}

// One https front for the tests, `fedkit dev` and the demo: the CLI's.
export { httpsFront } from "@fedkit/test-support/tls";

/** Creates the `private` container and one blob with a storage token of {@link SEEDER} (configured app). */
export async function seedBlob(emulator: Emulator, accountUrl: string, origin: string): Promise<void> {
  const seeder = SEEDER;
  entraState(emulator.state).addFederatedCredential(seeder, {
    issuer: emulator.idp.issuer,
    subject: "seeder",
  });
  const federation = createFederation({
    source: callbackToken(() => emulator.idp.mint({ sub: "seeder", aud: "api://AzureADTokenExchange" })),
    audit: memoryAudit(),
  });
  const provider = azureProvider({
    clientId: seeder,
    tenantId: TENANT,
    scope: "https://storage.azure.com/.default",
    authorityHost: emulator.urls.entra!,
    allowCustomAuthority: true,
    env: () => ({}),
  });
  const put = azureFetch(federation, provider, { allowedOrigins: [origin] });
  const container = await put(`${accountUrl}/private?restype=container`, { method: "PUT" });
  const blob = await put(`${accountUrl}/private/hello.txt`, {
    method: "PUT",
    headers: { "x-ms-blob-type": "BlockBlob", "content-type": "text/plain" },
    body: BLOB_BODY,
  });
  if (container.status !== 201 || blob.status !== 201) {
    throw new Error(`seeding Azurite failed: container ${container.status}, blob ${blob.status}`);
  }
}
