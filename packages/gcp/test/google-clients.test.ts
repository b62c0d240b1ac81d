/**
 * Clients nobody here wrote: google-auth-library's own external-account client and @google-cloud/storage,
 * pointed at the emulator; then fedkit does the same flows and must get the same answers. Also proves the
 * `@fedkit/gcp/node` AuthClient with @google-cloud/storage.
 */
import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { Storage } from "@google-cloud/storage";
import { IdentityPoolClient } from "google-auth-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpFetch } from "../src/index.js";
import { FedkitAuthClient } from "../src/node/index.js";
import { BODY, BUCKET, type Fixture, OBJECT, SA, startFixture } from "./setup.js";

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.emulator.stop());

function googleClient(jwt: string, impersonate: boolean): IdentityPoolClient {
  return new IdentityPoolClient({
    type: "external_account",
    audience: fx.audience,
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: `${fx.emulator.urls.gcpSts}/v1/token`,
    ...(impersonate
      ? {
          service_account_impersonation_url: `${fx.emulator.urls.iamCredentials}/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
        }
      : {}),
    subject_token_supplier: { getSubjectToken: async () => jwt },
  });
}

function storageWith(auth: { authClient: unknown } | { credentials: Record<string, unknown> }): Storage {
  return new Storage({
    apiEndpoint: fx.emulator.urls.gcs!,
    useAuthWithCustomEndpoint: true,
    projectId: "fedkit-emulator",
    retryOptions: { autoRetry: false },
    ...(auth as object),
  });
}

/**
 * @google-cloud/storage 7 is built on google-auth-library 9, which `Object.assign`s the headers an AuthClient
 * returns; a google-auth-library 10 client returns a `Headers` object, so its bearer would be dropped. The
 * independent path therefore lets Storage build its own external-account client from the same configuration.
 */
function storageExternalAccount(jwt: string): Storage {
  return storageWith({
    credentials: {
      type: "external_account",
      audience: fx.audience,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `${fx.emulator.urls.gcpSts}/v1/token`,
      service_account_impersonation_url: `${fx.emulator.urls.iamCredentials}/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`,
      subject_token_supplier: { getSubjectToken: async () => jwt },
    },
  });
}

describe("google-auth-library IdentityPoolClient against the emulator", () => {
  it("obtains a service-account token through STS and impersonation", async () => {
    const { token } = await googleClient(await fx.mint(), true).getAccessToken();
    expect(fx.state.tokens.get(token!)?.principal).toEqual({ kind: "service_account", email: SA });
  });

  it("@google-cloud/storage reads the private object through its own external-account client", async () => {
    const [contents] = await storageExternalAccount(await fx.mint())
      .bucket(BUCKET)
      .file(OBJECT)
      .download();
    expect(contents.toString()).toBe(BODY);
  });

  it("sees the same refusal as fedkit for a deploy-preview token", async () => {
    const jwt = await fx.mint({ claims: { context: "deploy-preview" } });
    await expect(googleClient(jwt, true).getAccessToken()).rejects.toThrow(
      /unauthorized_client.*attribute condition/,
    );
  });
});

describe("parity: fedkit and google-auth-library get the same answers", () => {
  it("same principal, scopes and lifetime for impersonation; same body from GCS", async () => {
    const jwt = await fx.mint();
    const google = await googleClient(jwt, true).getAccessToken();
    const fed = createFederation({ source: staticToken(jwt), audit: memoryAudit() });
    const provider = fx.provider({ serviceAccount: SA });
    const ours = await fed.getCredentials(provider);
    const theirs = fx.state.tokens.get(google.token!)!;
    const mine = fx.state.tokens.get(ours.token)!;
    expect(mine.principal).toEqual(theirs.principal);
    expect(mine.scopes).toEqual(theirs.scopes);
    expect(Math.abs(mine.expiresAt - theirs.expiresAt)).toBeLessThan(5_000);
    const [viaGoogle] = await storageExternalAccount(jwt).bucket(BUCKET).file(OBJECT).download();
    const viaFedkit = await gcpFetch(fed, provider, { allowedOrigins: [fx.emulator.urls.gcs!] })(
      `${fx.emulator.urls.gcs}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(OBJECT)}?alt=media`,
    );
    expect(await viaFedkit.text()).toBe(viaGoogle.toString());
  });

  it("same federated principal without impersonation", async () => {
    const jwt = await fx.mint();
    const google = await googleClient(jwt, false).getAccessToken();
    const ours = await createFederation({ source: staticToken(jwt), audit: memoryAudit() }).getCredentials(
      fx.provider(),
    );
    expect(fx.state.tokens.get(ours.token)!.principal).toEqual(fx.state.tokens.get(google.token!)!.principal);
  });
});

describe("@fedkit/gcp/node FedkitAuthClient", () => {
  it("lets @google-cloud/storage read, list and write with fedkit's credentials (one exchange, cached)", async () => {
    const jwt = await fx.mint();
    const fed = createFederation({ source: staticToken(jwt), audit: memoryAudit() });
    const stsBefore = fx.state.calls.get("sts") ?? 0;
    // The emulator is not a Google API host: the bearer goes there only because this test opts in.
    const authClient = new FedkitAuthClient(fed, fx.provider(), { allowedOrigins: [fx.emulator.urls.gcs!] });
    const storage = storageWith({ authClient });
    const [contents] = await storage.bucket(BUCKET).file(OBJECT).download();
    expect(contents.toString()).toBe(BODY);
    await storage
      .bucket(BUCKET)
      .file("from-node.txt")
      .save("hello", { resumable: false, contentType: "text/plain" });
    const [files] = await storage.bucket(BUCKET).getFiles({ prefix: "from-node" });
    expect(files.map((f) => f.name)).toEqual(["from-node.txt"]);
    await storage.bucket(BUCKET).file("from-node.txt").delete();
    expect(fx.state.calls.get("sts")).toBe(stsBefore + 1);
  });

  it("getAccessToken and getRequestHeaders work as google-auth-library 10 expects", async () => {
    const fed = createFederation({ source: staticToken(await fx.mint()), audit: memoryAudit() });
    const client = new FedkitAuthClient(fed, fx.provider({ serviceAccount: SA }));
    const { token } = await client.getAccessToken();
    const headers = await client.getRequestHeaders();
    expect(headers.get("authorization")).toBe(`Bearer ${token}`);
    expect(client.credentials.access_token).toBe(token);
  });
});
