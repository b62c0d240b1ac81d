// A Cloudflare Worker reading a private S3 object (GET /report), a private GCS object (GET /gcs) and a private
// Azure blob (GET /azure, with an Entra token for Azure Storage), with no cloud key stored. Tokens come from the oidc_tokens
// bindings (one per audience) when the account has them, else from the Worker acting as its own OIDC issuer
// (its discovery and JWKS at /oidc/production/...). The FEDKIT_* endpoint variables point at the local
// emulator in tests; in production leave them unset.
import { awsFetch, awsProvider } from "@fedkit/aws";
import { azureFetch, azureProvider } from "@fedkit/azure";
import { gcpFetch, gcpProvider } from "@fedkit/gcp";
import type { OidcTokenBinding } from "@fedkit/platforms";
import { fedkitWorker } from "@fedkit/platforms/cloudflare-workers";

interface Env {
  AWS_TOKEN?: OidcTokenBinding;
  GCP_TOKEN?: OidcTokenBinding;
  AZURE_TOKEN?: OidcTokenBinding;
  FEDKIT_ISSUER_KEYS?: string;
  SITE_URL: string;
  SITE_ID: string;
  REPORTS_ROLE_ARN: string;
  REPORTS_OBJECT_URL: string;
  GCP_PROVIDER: string;
  GCP_SERVICE_ACCOUNT: string;
  GCS_OBJECT_URL: string;
  AZURE_TENANT_ID: string;
  AZURE_CLIENT_ID: string;
  AZURE_BLOB_URL: string;
  FEDKIT_AWS_STS_ENDPOINT?: string;
  FEDKIT_GCP_STS_ENDPOINT?: string;
  FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT?: string;
  FEDKIT_AZURE_AUTHORITY?: string;
}

const vars = (env: Record<string, unknown>) => env as unknown as Env;

export default fedkitWorker<Env>(
  {
    bindings: (env) => ({
      "sts.amazonaws.com": "AWS_TOKEN",
      [`https:${vars(env).GCP_PROVIDER}`]: "GCP_TOKEN",
      "api://AzureADTokenExchange": "AZURE_TOKEN",
    }),
    // Without bindings: the Worker is its own issuer, keys in the FEDKIT_ISSUER_KEYS secret.
    issuer: (env) => ({ siteUrl: vars(env).SITE_URL, siteId: vars(env).SITE_ID }),
  },
  async (request, env, fedkit) => {
    const path = new URL(request.url).pathname;
    const custom = (endpoint: string | undefined) => (endpoint ? { allowCustomEndpoint: true } : {});
    if (path === "/report") {
      const aws = awsProvider({
        roleArn: env.REPORTS_ROLE_ARN,
        region: "us-east-1",
        ...(env.FEDKIT_AWS_STS_ENDPOINT ? { endpoint: env.FEDKIT_AWS_STS_ENDPOINT } : {}),
        ...custom(env.FEDKIT_AWS_STS_ENDPOINT),
      });
      const s3 = awsFetch(fedkit, aws, {
        service: "s3",
        region: "us-east-1",
        allowedOrigins: [new URL(env.REPORTS_OBJECT_URL).origin],
      });
      return s3(env.REPORTS_OBJECT_URL);
    }
    if (path === "/gcs") {
      const gcp = gcpProvider({
        audience: env.GCP_PROVIDER,
        subjectAudience: `https:${env.GCP_PROVIDER}`,
        serviceAccount: env.GCP_SERVICE_ACCOUNT,
        ...(env.FEDKIT_GCP_STS_ENDPOINT
          ? {
              stsEndpoint: env.FEDKIT_GCP_STS_ENDPOINT,
              iamCredentialsEndpoint: env.FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT,
              allowCustomEndpoint: true,
            }
          : {}),
      });
      return gcpFetch(fedkit, gcp, { allowedOrigins: [new URL(env.GCS_OBJECT_URL).origin] })(
        env.GCS_OBJECT_URL,
      );
    }
    if (path === "/azure") {
      const azure = azureProvider({
        clientId: env.AZURE_CLIENT_ID,
        tenantId: env.AZURE_TENANT_ID,
        scope: "https://storage.azure.com/.default",
        env: () => ({}),
        ...(env.FEDKIT_AZURE_AUTHORITY
          ? { authorityHost: env.FEDKIT_AZURE_AUTHORITY, allowCustomAuthority: true }
          : {}),
      });
      // The storage token goes only to the blob's origin (Azure Storage), never back to the caller.
      return azureFetch(fedkit, azure, { allowedOrigins: [new URL(env.AZURE_BLOB_URL).origin] })(
        env.AZURE_BLOB_URL,
      );
    }
    return new Response("not found", { status: 404 });
  },
);
