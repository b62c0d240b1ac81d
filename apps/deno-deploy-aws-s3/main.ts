// A Deno Deploy app: GET /report reads a private S3 object, GET /gcs a private GCS object, GET /azure a private
// Azure blob, with tokens from Deno Deploy's getIdToken (jsr:@deno/oidc) and no cloud key stored. FEDKIT_* endpoint variables point at the local
// emulator in tests; FEDKIT_TOKEN_URL replaces getIdToken there (jsr:@deno/oidc works only on Deno Deploy).
import { awsFetch, awsProvider } from "@fedkit/aws";
import { azureFetch, azureProvider } from "@fedkit/azure";
import { gcpFetch, gcpProvider } from "@fedkit/gcp";
import { withDenoDeploy } from "@fedkit/platforms/deno-deploy";

const env = (name: string): string => Deno.env.get(name) ?? "";
const tokenUrl = Deno.env.get("FEDKIT_TOKEN_URL");
const getIdToken: (audience: string) => Promise<string> = tokenUrl
  ? async (audience) => (await fetch(tokenUrl, { method: "POST", body: audience })).text()
  : (await import("jsr:@deno/oidc")).getIdToken;

const custom = env("FEDKIT_AWS_STS_ENDPOINT") !== "";
const aws = awsProvider({
  roleArn: env("REPORTS_ROLE_ARN"),
  region: "us-east-1",
  ...(custom ? { endpoint: env("FEDKIT_AWS_STS_ENDPOINT"), allowCustomEndpoint: true } : {}),
});
const gcp = gcpProvider({
  audience: env("GCP_PROVIDER"),
  subjectAudience: `https:${env("GCP_PROVIDER")}`,
  serviceAccount: env("GCP_SERVICE_ACCOUNT"),
  ...(custom
    ? {
        stsEndpoint: env("FEDKIT_GCP_STS_ENDPOINT"),
        iamCredentialsEndpoint: env("FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT"),
        allowCustomEndpoint: true,
      }
    : {}),
});
const authority = env("FEDKIT_AZURE_AUTHORITY");
const azure = azureProvider({
  clientId: env("AZURE_CLIENT_ID"),
  tenantId: env("AZURE_TENANT_ID"),
  scope: "https://storage.azure.com/.default",
  env: () => ({}),
  ...(authority ? { authorityHost: authority, allowCustomAuthority: true } : {}),
});

const handler = withDenoDeploy(getIdToken, (request, fedkit) => {
  const path = new URL(request.url).pathname;
  if (path === "/report") {
    const url = env("REPORTS_OBJECT_URL");
    return awsFetch(fedkit, aws, {
      service: "s3",
      region: "us-east-1",
      allowedOrigins: [new URL(url).origin],
    })(url);
  }
  if (path === "/gcs") {
    const url = env("GCS_OBJECT_URL");
    return gcpFetch(fedkit, gcp, { allowedOrigins: [new URL(url).origin] })(url);
  }
  if (path === "/azure") {
    // The storage token goes only to the blob's origin (Azure Storage), never back to the caller.
    const url = env("AZURE_BLOB_URL");
    return azureFetch(fedkit, azure, { allowedOrigins: [new URL(url).origin] })(url);
  }
  return new Response("not found", { status: 404 });
});

Deno.serve({ hostname: "127.0.0.1", port: Number(env("PORT") || 8000) }, async (request) => {
  try {
    return await handler(request);
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    return Response.json({ error: { code } }, { status: 502 });
  }
});
