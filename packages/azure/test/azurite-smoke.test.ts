/// <reference types="node" />
/**
 * The Azurite the Azure tests start is a real check, not a server that accepts anything: over https with the test
 * CA, it serves a private blob to the account key, and refuses the same read with no credentials, with a bearer
 * token from an issuer it does not trust, and with an expired one, each for that reason. (sdk-interop.test.ts
 * reads such a blob with fedkit's real tokens; those passes mean something only because of these refusals.)
 */
import { BlobServiceClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { AZURITE_ACCOUNT, AZURITE_KEY, type Azurite, startAzurite } from "@fedkit/test-support/azurite";
import { loadTestTls } from "@fedkit/test-support/tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let azurite: Azurite;
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
/** An unsigned JWT shaped like an Entra storage token (Azurite checks iss, aud and expiry only). */
const bearer = (claims: Record<string, unknown>) =>
  `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ aud: "https://storage.azure.com", iat: now() - 60, ...claims })}.c2ln`;

beforeAll(async () => {
  azurite = await startAzurite(await loadTestTls());
  const admin = new BlobServiceClient(
    azurite.accountUrl,
    new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
  );
  await admin.getContainerClient("private").create();
  await admin.getContainerClient("private").getBlockBlobClient("a.txt").upload("secret", 6);
});
afterAll(() => azurite?.stop());

const read = (headers: Record<string, string> = {}) =>
  fetch(`${azurite.accountUrl}/private/a.txt`, { headers: { "x-ms-version": "2025-01-05", ...headers } });

describe("Azurite as the Azure tests run it", () => {
  it("serves https on loopback with the test CA, and the private blob to the account key", async () => {
    expect(azurite.origin).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const admin = new BlobServiceClient(
      azurite.accountUrl,
      new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY),
    );
    const blob = admin.getContainerClient("private").getBlobClient("a.txt");
    expect((await blob.downloadToBuffer()).toString()).toBe("secret");
  });

  it("refuses an anonymous read of the private blob", async () => {
    const res = await read();
    expect([401, 403, 404]).toContain(res.status);
    expect(await res.text()).not.toBe("secret");
  });

  it("serves a current bearer token from Entra's issuer; refuses an untrusted issuer and an expired one", async () => {
    const entra = "https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/";
    const current = await read({
      authorization: `Bearer ${bearer({ iss: entra, nbf: now() - 60, exp: now() + 600 })}`,
    });
    expect(current.status).toBe(200);
    expect(await current.text()).toBe("secret");
    const foreign = await read({
      authorization: `Bearer ${bearer({ iss: "https://attacker.example/", nbf: now() - 60, exp: now() + 600 })}`,
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain("Invalid token issuer");
    const expired = await read({
      authorization: `Bearer ${bearer({ iss: entra, nbf: now() - 7200, exp: now() - 3600 })}`,
    });
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain("The token is expired");
  });
});
