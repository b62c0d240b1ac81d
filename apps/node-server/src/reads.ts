// The three reads both servers offer at GET /read/aws, /read/gcp and /read/azure: a private S3 object, a private
// GCS object and a private Azure blob, each with a token the server minted for that cloud's audience. The
// FEDKIT_* endpoint variables point at the local emulator in tests; leave them unset in production.
import { awsFetch, awsProvider } from "@fedkit/aws";
import { azureFetch, azureProvider } from "@fedkit/azure";
import { gcpFetch, gcpProvider } from "@fedkit/gcp";
import type { RequestFederation } from "@fedkit/platforms";
import { need, type Vars } from "./vars.js";

type Read = (url: string) => Promise<Response>;

const READERS: Readonly<
  Record<string, { object: string; reader: (fedkit: RequestFederation, vars: Vars) => Read }>
> = {
  aws: {
    object: "REPORTS_OBJECT_URL",
    reader: (fedkit, vars) => {
      const endpoint = vars["FEDKIT_AWS_STS_ENDPOINT"];
      const role = awsProvider({
        roleArn: need(vars, "REPORTS_ROLE_ARN"),
        region: "us-east-1",
        ...(endpoint ? { endpoint, allowCustomEndpoint: true } : {}),
      });
      const origin = new URL(need(vars, "REPORTS_OBJECT_URL")).origin;
      return awsFetch(fedkit, role, { service: "s3", region: "us-east-1", allowedOrigins: [origin] });
    },
  },
  gcp: {
    object: "GCS_OBJECT_URL",
    reader: (fedkit, vars) => {
      const sts = vars["FEDKIT_GCP_STS_ENDPOINT"];
      const provider = gcpProvider({
        audience: need(vars, "GCP_PROVIDER"),
        subjectAudience: `https:${need(vars, "GCP_PROVIDER")}`,
        serviceAccount: need(vars, "GCP_SERVICE_ACCOUNT"),
        ...(sts
          ? {
              stsEndpoint: sts,
              iamCredentialsEndpoint: need(vars, "FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT"),
              allowCustomEndpoint: true,
            }
          : {}),
      });
      return gcpFetch(fedkit, provider, { allowedOrigins: [new URL(need(vars, "GCS_OBJECT_URL")).origin] });
    },
  },
  azure: {
    object: "AZURE_BLOB_URL",
    reader: (fedkit, vars) => {
      const authority = vars["FEDKIT_AZURE_AUTHORITY"];
      const app = azureProvider({
        clientId: need(vars, "AZURE_CLIENT_ID"),
        tenantId: need(vars, "AZURE_TENANT_ID"),
        scope: "https://storage.azure.com/.default",
        env: () => ({}),
        ...(authority ? { authorityHost: authority, allowCustomAuthority: true } : {}),
      });
      // The storage token goes only to the blob's origin (Azure Storage), never back to the caller.
      return azureFetch(fedkit, app, { allowedOrigins: [new URL(need(vars, "AZURE_BLOB_URL")).origin] });
    },
  },
};

/** Reads `cloud`'s object; a refused exchange answers 502 with the error's code only (never a token). */
export async function readCloud(cloud: string, fedkit: RequestFederation, vars: Vars): Promise<Response> {
  const entry = Object.hasOwn(READERS, cloud) ? READERS[cloud] : undefined;
  if (!entry) return Response.json({ error: { code: "unknown_cloud" } }, { status: 404 });
  try {
    return await entry.reader(fedkit, vars)(need(vars, entry.object));
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    return Response.json({ error: { code } }, { status: 502 });
  }
}
