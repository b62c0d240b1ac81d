/// <reference types="node" />
/**
 * Clients nobody here wrote, against the emulator's Entra (over TLS) and Azurite (the real Azure Storage
 * emulator): @azure/identity gets a token; @azure/storage-blob reads a blob with fedkit's TokenCredential.
 */
import { ClientAssertionCredential } from "@azure/identity";
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { callbackToken, createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, entraState, startEmulator } from "@fedkit/emulator";
import { AZURITE_ACCOUNT, AZURITE_KEY, type Azurite, startAzurite } from "@fedkit/test-support/azurite";
import { loadTestTls } from "@fedkit/test-support/tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { azureFetch, azureProvider, tokenCredential } from "../src/index.js";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";
const SUBJECT = "site:1234:context:production";
const STORAGE = "https://storage.azure.com/.default";

const decodeJwt = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));

let emulator: Emulator;
let azurite: Azurite;

beforeAll(async () => {
  const tls = await loadTestTls();
  [emulator, azurite] = await Promise.all([
    startEmulator({
      tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
      azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: CLIENT }] },
    }),
    startAzurite(tls),
  ]);
  entraState(emulator.state).addFederatedCredential(CLIENT, {
    issuer: emulator.idp.issuer,
    subject: SUBJECT,
  });
  const admin = new BlobServiceClient(
    azurite.accountUrl,
    new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
  );
  const container = admin.getContainerClient("private");
  await container.create();
  await container.getBlockBlobClient("hello.txt").upload("hello from azurite", 18);
});
afterAll(async () => {
  await Promise.all([emulator?.stop(), azurite?.stop()]);
});

const assertion = (sub = SUBJECT) => emulator.idp.mint({ sub, aud: "api://AzureADTokenExchange" });

function fedkit(sub = SUBJECT) {
  const federation = createFederation({ source: callbackToken(() => assertion(sub)), audit: memoryAudit() });
  const provider = azureProvider({
    clientId: CLIENT,
    tenantId: TENANT,
    scope: STORAGE,
    authorityHost: emulator.urls.entra!,
    allowCustomAuthority: true,
    env: () => ({}),
  });
  return { federation, provider };
}

describe("against the emulator's Entra and Azurite", () => {
  it("fedkit gets a token in one round trip; @azure/identity gets an equivalent one", async () => {
    const entra = entraState(emulator.state);
    const { federation, provider } = fedkit();
    const before = entra.httpRequests;
    const ours = await federation.getCredentials(provider);
    expect(entra.httpRequests - before).toBe(1);

    const msalBefore = entra.httpRequests;
    const credential = new ClientAssertionCredential(TENANT, CLIENT, () => assertion(), {
      authorityHost: emulator.urls.entra!,
      disableInstanceDiscovery: true,
    });
    const theirs = await credential.getToken(STORAGE);
    const msalTrips = entra.httpRequests - msalBefore;
    expect(msalTrips).toBeGreaterThanOrEqual(2);
    console.info(`round trips per cold token: fedkit 1, @azure/identity ${msalTrips}`);

    const a = decodeJwt(ours.token);
    const b = decodeJwt(theirs.token);
    for (const claim of ["iss", "aud", "appid", "tid", "oid", "idtyp"]) expect(a[claim]).toEqual(b[claim]);
    expect(a.iss).toBe(`https://sts.windows.net/${TENANT}/`);
    expect(Math.abs(ours.expiresAt - theirs.expiresOnTimestamp)).toBeLessThan(60_000);
  });

  it("@azure/storage-blob reads a private blob from Azurite with fedkit's TokenCredential", async () => {
    const { federation, provider } = fedkit();
    const client = new BlobServiceClient(azurite.accountUrl, tokenCredential(federation, provider));
    const blob = client.getContainerClient("private").getBlobClient("hello.txt");
    expect((await blob.downloadToBuffer()).toString()).toBe("hello from azurite");
  });

  it("azureFetch reads the same blob with a bearer token and x-ms-version", async () => {
    const { federation, provider } = fedkit();
    const blobFetch = azureFetch(federation, provider, { allowedOrigins: [azurite.origin] });
    const res = await blobFetch(`${azurite.accountUrl}/private/hello.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello from azurite");
    await expect(blobFetch("https://example.com/private/hello.txt")).rejects.toMatchObject({
      code: "endpoint_refused",
    });
  });

  it("Azurite refuses a token for another resource; Entra refuses a subject without a credential", async () => {
    const { federation } = fedkit();
    const vault = azureProvider({
      clientId: CLIENT,
      tenantId: TENANT,
      scope: "https://vault.azure.net/.default",
      authorityHost: emulator.urls.entra!,
      allowCustomAuthority: true,
      env: () => ({}),
    });
    const wrongAudience = azureFetch(federation, vault, { allowedOrigins: [azurite.origin] });
    const refused = await wrongAudience(`${azurite.accountUrl}/private/hello.txt`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Invalid token audience");

    const stranger = fedkit("site:1234:context:deploy-preview");
    const error = await stranger.federation.getCredentials(stranger.provider).catch((e) => e);
    expect(error).toMatchObject({ code: "subject_mismatch", cloudCode: "AADSTS700213", provider: "azure" });
    expect(error.hint).toContain("sub='site:1234:context:deploy-preview'");
    expect(error.traceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("1,000 concurrent cold callers cause one token request", async () => {
    const entra = entraState(emulator.state);
    const { provider } = fedkit();
    // One subject token for all callers, as a site issuer or token file hands out.
    const federation = createFederation({ source: staticToken(await assertion()), audit: memoryAudit() });
    const before = entra.tokenRequests;
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => federation.getCredentials(provider)));
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    expect(entra.tokenRequests - before).toBe(1);
  });
});
