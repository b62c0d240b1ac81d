// The core's provider contract (@fedkit/core/testing) for azureProvider, against the emulator's Entra.
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
import { testProvider } from "@fedkit/core/testing";
import { entraState, startEmulator } from "@fedkit/emulator";
import { describe, expect, it } from "vitest";
import { type AzureProviderOptions, azureProvider } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";
const OTHER_CLIENT = "0b4f3e3c-2f5e-4d57-8f7a-3c1e9f6d2a10";
const SUBJECT = "site:1234:context:production";

testProvider(
  "azureProvider (client-assertion exchange, emulator Entra)",
  async () => {
    const emulator = await startEmulator({
      azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: CLIENT }] },
    });
    entraState(emulator.state).addFederatedCredential(CLIENT, {
      issuer: emulator.idp.issuer,
      subject: SUBJECT,
    });
    const options: AzureProviderOptions = {
      clientId: CLIENT,
      tenantId: TENANT,
      scope: "https://storage.azure.com/.default",
      authorityHost: emulator.urls.entra as string,
      allowCustomAuthority: true,
      env: () => ({}),
    };
    const provider = azureProvider(options);
    const mint = (sub: string) => emulator.idp.mint({ sub, aud: "api://AzureADTokenExchange" });
    const subject = decodeSubjectToken(await mint(SUBJECT));
    // The contract stubs globalThis.fetch during the exchange, which the in-process emulator would also use to
    // fetch the issuer's JWKS. One exchange beforehand warms its JWKS cache, as Entra caches keys too.
    await provider.exchange(subject, createExchangeContext());
    return {
      provider,
      sameConfig: () => azureProvider({ ...options }),
      // Every option that changes what the token may do, one at a time.
      permissionVariants: {
        clientId: azureProvider({ ...options, clientId: OTHER_CLIENT }),
        tenantId: azureProvider({ ...options, tenantId: "0d8a9b63-3a4f-4c53-9a3c-5a9d0e8e7f21" }),
        scope: azureProvider({ ...options, scope: "https://vault.azure.net/.default" }),
        audience: azureProvider({ ...options, audience: "api://AzureADTokenExchangeUSGov" }),
        authorityHost: azureProvider({ ...options, authorityHost: "https://login.microsoftonline.us" }),
      },
      subject,
      rejectedSubject: decodeSubjectToken(await mint("site:1234:context:deploy-preview")),
      close: () => emulator.stop(),
    };
  },
  { describe, it, expect },
);
