// The functions' one handler: GET ?cloud=aws reads a private S3 object, ?cloud=gcp a private GCS object,
// ?cloud=azure a private Azure blob, each with the deployment's OIDC token and no cloud key stored. Vercel's tokens
// carry one audience for every cloud, https://vercel.com/TEAM (VERCEL_OIDC_AUDIENCE), which the trust from
// vercelTrust names on each. The FEDKIT_* endpoint variables point at the local emulator in tests; leave them
// unset on Vercel.
import { awsFetch, awsProvider } from "@fedkit/aws";
import { azureFetch, azureProvider } from "@fedkit/azure";
import { gcpFetch, gcpProvider } from "@fedkit/gcp";
import type { RequestFederation } from "@fedkit/platforms";

/** The function's environment variables (`process.env` on both of Vercel's runtimes). */
export type Vars = Readonly<Record<string, string | undefined>>;

const need = (vars: Vars, name: string): string => {
  const value = vars[name];
  if (!value) throw new TypeError(`set the environment variable ${name}`);
  return value;
};

function reader(
  cloud: string,
  fedkit: RequestFederation,
  vars: Vars,
): ((url: string) => Promise<Response>) | undefined {
  const audience = need(vars, "VERCEL_OIDC_AUDIENCE");
  if (cloud === "aws") {
    const endpoint = vars["FEDKIT_AWS_STS_ENDPOINT"];
    const url = need(vars, "REPORTS_OBJECT_URL");
    const role = awsProvider({
      roleArn: need(vars, "REPORTS_ROLE_ARN"),
      region: "us-east-1",
      audience,
      ...(endpoint ? { endpoint, allowCustomEndpoint: true } : {}),
    });
    return awsFetch(fedkit, role, {
      service: "s3",
      region: "us-east-1",
      allowedOrigins: [new URL(url).origin],
    });
  }
  if (cloud === "gcp") {
    const sts = vars["FEDKIT_GCP_STS_ENDPOINT"];
    const provider = gcpProvider({
      audience: need(vars, "GCP_PROVIDER"),
      subjectAudience: audience,
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
  }
  if (cloud === "azure") {
    const authority = vars["FEDKIT_AZURE_AUTHORITY"];
    const app = azureProvider({
      clientId: need(vars, "AZURE_CLIENT_ID"),
      tenantId: need(vars, "AZURE_TENANT_ID"),
      scope: "https://storage.azure.com/.default",
      audience,
      env: () => ({}),
      ...(authority ? { authorityHost: authority, allowCustomAuthority: true } : {}),
    });
    // The storage token goes only to the blob's origin (Azure Storage), never back to the caller.
    return azureFetch(fedkit, app, { allowedOrigins: [new URL(need(vars, "AZURE_BLOB_URL")).origin] });
  }
  return undefined;
}

const OBJECT_VARIABLE: Readonly<Record<string, string>> = {
  aws: "REPORTS_OBJECT_URL",
  gcp: "GCS_OBJECT_URL",
  azure: "AZURE_BLOB_URL",
};

/** Reads the object of `?cloud=`; a refused exchange answers 502 with the error's code only (never a token). */
export async function readReport(request: Request, fedkit: RequestFederation, vars: Vars): Promise<Response> {
  const cloud = new URL(request.url).searchParams.get("cloud") ?? "aws";
  const read = reader(cloud, fedkit, vars);
  if (!read) return Response.json({ error: { code: "unknown_cloud" } }, { status: 404 });
  try {
    return await read(need(vars, OBJECT_VARIABLE[cloud] as string));
  } catch (error) {
    const code = (error as { code?: string }).code ?? "error";
    return Response.json({ error: { code } }, { status: 502 });
  }
}
