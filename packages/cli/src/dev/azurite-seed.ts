/**
 * Putting a site's seeded blobs in Azurite. Azurite (`--oauth basic`) takes Entra bearer tokens, so the blobs
 * are written with a storage token the emulator's Entra issues to a seeding app of its own — an app that trusts
 * only the emulator's built-in IdP, never the site's issuer, so the site's function gains nothing from it.
 */
import type { EmulatorConfig } from "@fedkit/emulator";
import { type Emulator, entraState } from "@fedkit/emulator";
import type { LocalAzurite } from "./azure-local.js";
import { requestTrusting } from "./azure-local.js";

/** The seeding app's client id (local only; it exists in the emulator this run starts, nowhere else). */
const SEEDER = "0f3a4c1e-8d1b-4b8e-9a7e-5c2d7e6f1a01";
const STORAGE_VERSION = "2025-01-05";

/** `config` with the seeding app registered in its `azure` section. @internal */
export function withSeeder(config: EmulatorConfig): EmulatorConfig {
  const azure = config.azure ?? {};
  const apps = azure.apps ?? [];
  if (apps.some((app) => app.clientId === SEEDER)) return config;
  return {
    ...config,
    azure: { ...azure, apps: [...apps, { clientId: SEEDER, displayName: "fedkit dev seeder" }] },
  };
}

/**
 * Creates each container of `blobs` in Azurite and writes its blobs (text). Throws naming the container or blob
 * that failed and the status; never the token.
 * @internal
 */
export async function seedAzurite(
  emulator: Emulator,
  azurite: LocalAzurite,
  blobs: Readonly<Record<string, Readonly<Record<string, string>>>>,
  ca: string,
): Promise<void> {
  const entra = entraState(emulator.state);
  const app = entra.apps.get(SEEDER);
  if (app === undefined) throw new Error("the seeding app is missing: start the emulator with withSeeder()");
  entra.addFederatedCredential(SEEDER, { issuer: emulator.idp.issuer, subject: "fedkit-dev-seeder" });
  const assertion = await emulator.idp.mint({ sub: "fedkit-dev-seeder", aud: "api://AzureADTokenExchange" });
  const form = new URLSearchParams({
    client_id: SEEDER,
    grant_type: "client_credentials",
    scope: "https://storage.azure.com/.default",
    client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    client_assertion: assertion,
  });
  const answer = await requestTrusting(ca, `${emulator.urls.entra}/${app.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form.toString(),
  });
  const token =
    answer.status === 200 ? (JSON.parse(answer.text) as { access_token?: string }).access_token : "";
  if (!token)
    throw new Error(`seeding Azurite: the emulator's Entra answered ${answer.status} for the seeder`);
  const headers = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    "x-ms-version": STORAGE_VERSION,
    "x-ms-date": new Date().toUTCString(),
    ...extra,
  });
  for (const [container, files] of Object.entries(blobs)) {
    const created = await requestTrusting(ca, `${azurite.accountUrl}/${container}?restype=container`, {
      method: "PUT",
      headers: headers(),
    });
    // 409: the container exists already (two seeds naming it), which is fine.
    if (created.status !== 201 && created.status !== 409)
      throw new Error(`seeding Azurite: creating container ${container} answered ${created.status}`);
    for (const [name, text] of Object.entries(files)) {
      const path = name.split("/").map(encodeURIComponent).join("/");
      const put = await requestTrusting(ca, `${azurite.accountUrl}/${container}/${path}`, {
        method: "PUT",
        headers: headers({
          "x-ms-blob-type": "BlockBlob",
          "content-type": "text/plain; charset=utf-8",
          "content-length": String(Buffer.byteLength(text)),
        }),
        body: text,
      });
      if (put.status !== 201)
        throw new Error(`seeding Azurite: writing ${container}/${name} answered ${put.status}`);
    }
  }
}
