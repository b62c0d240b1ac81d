/// <reference types="node" />
/**
 * The three emulated clouds with a private object each, and a helper that registers a platform's generated trust
 * on all three (AWS IAM OIDC provider + role, GCP pool + provider + binding, Entra federated credential), then
 * reads with any subject token source: S3 GetObject, GCS object read, and an Entra access token for storage.
 */
import { awsFetch, awsProvider } from "@fedkit/aws";
import { azureProvider } from "@fedkit/azure";
import { createFederation, type SubjectTokenSource } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { addGcpProvider, type Emulator, entraState, gcpStateOf, startEmulator } from "@fedkit/emulator";
import { gcpFetch, gcpProvider } from "@fedkit/gcp";
import { type ContextIsolation, type PlatformTrust, platformTrust } from "@fedkit/platforms/trust";
import { BLOB_BODY, SEEDER, seedBlob } from "../../netlify/test/azure-support.js";
import { type Azurite, startAzurite } from "./azurite.js";
import { loadTestTls } from "./tls.js";

export const BUCKET = "reports";
export const OBJECT = "q1.csv";
export const BODY = "quarter,revenue\nQ1,1200\n";
export const PROJECT = { projectId: "acme-reports", projectNumber: "123456789012" };
export const SERVICE_ACCOUNT = "reader@acme-reports.iam.gserviceaccount.com";
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";

/** The emulator with TLS (Entra trusts https issuers only), the platform issuers and one object per cloud. */
export async function startClouds(): Promise<Emulator> {
  const tls = await loadTestTls();
  return startEmulator({
    tls: { cert: tls.cert, key: tls.key, ca: tls.ca },
    platforms: {},
    aws: { buckets: [{ name: BUCKET, objects: { [OBJECT]: BODY } }] },
    gcp: {
      ...PROJECT,
      serviceAccounts: [{ email: SERVICE_ACCOUNT, bindings: [] }],
      buckets: [
        {
          name: BUCKET,
          objects: { [OBJECT]: BODY },
          bindings: [{ role: "roles/storage.objectViewer", members: [`serviceAccount:${SERVICE_ACCOUNT}`] }],
        },
      ],
    },
    // SEEDER: an app registration that trusts the emulator's own IdP, used only to put the blob into Azurite.
    azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: CLIENT }, { clientId: SEEDER }] },
  });
}

/** Azurite (the real Azure Storage emulator, HTTPS with the test CA, `--oauth basic`) with one private blob. */
export interface BlobStore {
  readonly azurite: Azurite;
  /** `https://127.0.0.1:<port>/devstoreaccount1/private/hello.txt`. */
  readonly blobUrl: string;
  /** What the blob holds. */
  readonly body: string;
}

/** Starts Azurite and seeds `private/hello.txt` through the emulator's Entra (Azurite takes bearer tokens). */
export async function startBlobStore(emulator: Emulator): Promise<BlobStore> {
  const azurite = await startAzurite(await loadTestTls());
  try {
    await seedBlob(emulator, azurite.accountUrl, azurite.origin);
  } catch (error) {
    await azurite.stop();
    throw error;
  }
  return { azurite, blobUrl: `${azurite.accountUrl}/private/hello.txt`, body: BLOB_BODY };
}

/** Where a registered trust points: the role, and the GCP provider resource. */
export interface Registered {
  readonly roleArn: string;
  readonly gcpProvider: string;
  /** The platform's one fixed `aud` (Vercel), which every cloud was told to accept; else each cloud's own. */
  readonly audience?: string;
}

let roles = 0;

/** Registers `trust` on the three clouds the way a user would apply what fedkit generated. */
export function registerTrust(emulator: Emulator, trust: PlatformTrust): Registered {
  const { issuer, audience } = trust.spec;
  const oidc = createProvider(emulator, issuer, audience ?? "sts.amazonaws.com");
  const role = emulator.aws.putRole({
    name: `platform-${++roles}`,
    trustPolicy: trust.aws({ providerArn: oidc }) as Parameters<Emulator["aws"]["putRole"]>[0]["trustPolicy"],
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` }],
      },
    ],
  });
  const gcp = gcpStateOf(emulator);
  const providerResource = addGcpProvider(gcp, trust.gcp.poolId, {
    providerId: "platform",
    issuerUri: issuer,
    attributeMapping: { ...trust.gcp.attributeMapping },
    attributeCondition: trust.gcp.attributeCondition,
    ...(trust.gcp.allowedAudiences ? { allowedAudiences: [...trust.gcp.allowedAudiences] } : {}),
  });
  gcp.serviceAccounts.get(SERVICE_ACCOUNT)!.bindings.push({
    role: "roles/iam.workloadIdentityUser",
    members: [trust.gcp.member(PROJECT.projectNumber)],
  });
  if (trust.azure)
    entraState(emulator.state).addFederatedCredential(CLIENT, {
      issuer,
      subject: trust.azure.subject,
      audience: trust.azure.audiences[0],
    });
  return { roleArn: role.arn, gcpProvider: providerResource, ...(audience ? { audience } : {}) };
}

const providers = new Map<string, string>();
function createProvider(emulator: Emulator, issuer: string, clientId: string): string {
  const known = providers.get(issuer);
  if (known) return known;
  const { arn } = emulator.aws.createOpenIdConnectProvider({ url: issuer, clientIds: [clientId] });
  providers.set(issuer, arn);
  return arn;
}

/** What one read on each cloud gave: the body, or the error code. */
export interface Reads {
  readonly aws: string;
  readonly gcp: string;
  readonly azure: string;
}

const outcome = async (work: () => Promise<string>): Promise<string> =>
  work().catch(
    (error: { code?: string; cloudCode?: string }) => `error:${error.code}:${error.cloudCode ?? ""}`,
  );

/** Reads the S3 object and the GCS object, and gets an Entra storage token, each with a token from `source`. */
export async function readAll(
  emulator: Emulator,
  registered: Registered,
  source: SubjectTokenSource,
): Promise<Reads> {
  const federation = createFederation({ source, audit: memoryAudit() });
  const fixed = registered.audience;
  const aws = awsProvider({
    roleArn: registered.roleArn,
    region: "us-east-1",
    endpoint: emulator.urls.sts,
    allowCustomEndpoint: true,
    ...(fixed ? { audience: fixed } : {}),
  });
  const gcp = gcpProvider({
    audience: registered.gcpProvider,
    subjectAudience: fixed ?? `https:${registered.gcpProvider}`,
    serviceAccount: SERVICE_ACCOUNT,
    stsEndpoint: emulator.urls.gcpSts!,
    iamCredentialsEndpoint: emulator.urls.iamCredentials!,
    allowCustomEndpoint: true,
  });
  const azure = azureProvider({
    clientId: CLIENT,
    tenantId: TENANT,
    scope: "https://storage.azure.com/.default",
    authorityHost: emulator.urls.entra!,
    allowCustomAuthority: true,
    env: () => ({}),
    ...(fixed ? { audience: fixed } : {}),
  });
  const s3 = awsFetch(federation, aws, {
    service: "s3",
    region: "us-east-1",
    allowedOrigins: [new URL(emulator.urls.s3).origin],
  });
  const gcs = gcpFetch(federation, gcp, { allowedOrigins: [emulator.urls.gcs!] });
  return {
    aws: await outcome(async () => (await s3(`${emulator.urls.s3}/${BUCKET}/${OBJECT}`)).text()),
    gcp: await outcome(async () =>
      (
        await gcs(`${emulator.urls.gcs}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(OBJECT)}?alt=media`)
      ).text(),
    ),
    azure: await outcome(async () => {
      const creds = await federation.getCredentials(azure);
      return creds.kind === "access-token" && creds.token.length > 20 ? "entra-token" : "no-token";
    }),
  };
}

/**
 * The variables every platform sample reads (same names in each: `REPORTS_*` for S3, `GCP_*`/`GCS_*`, `AZURE_*`),
 * pointing at the emulated clouds and Azurite, with the `FEDKIT_*` endpoint overrides a deployment leaves unset.
 */
export function sampleVars(
  emulator: Emulator,
  registered: Registered,
  blobs: BlobStore,
): Record<string, string> {
  return {
    REPORTS_ROLE_ARN: registered.roleArn,
    REPORTS_OBJECT_URL: `${emulator.urls.s3}/${BUCKET}/${OBJECT}`,
    GCP_PROVIDER: registered.gcpProvider,
    GCP_SERVICE_ACCOUNT: SERVICE_ACCOUNT,
    GCS_OBJECT_URL: `${emulator.urls.gcs}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(OBJECT)}?alt=media`,
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: CLIENT,
    AZURE_BLOB_URL: blobs.blobUrl,
    FEDKIT_AWS_STS_ENDPOINT: emulator.urls.sts,
    FEDKIT_GCP_STS_ENDPOINT: emulator.urls.gcpSts!,
    FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT: emulator.urls.iamCredentials!,
    FEDKIT_AZURE_AUTHORITY: emulator.urls.entra!,
  };
}

/**
 * What a user applies for a server or Worker that is its own issuer (@fedkit/issuer): the exact subject on every
 * cloud, one GCP pool for this subject and context. `contexts` says whether its deploy contexts share secrets.
 */
export function siteIssuerTrust(issuer: string, subject: string, contexts: ContextIsolation): PlatformTrust {
  return platformTrust({
    platform: "fedkit-issuer",
    issuer,
    subject,
    awsSubject: subject,
    gcpPins: { sub: subject },
    gcpPrincipal: { attribute: "subject", value: subject },
    context: "production",
    contexts,
    entraNote: "stable: the subject names the site, context and function, which the deployment sets",
  });
}
