// Bundle-size entry: the same job as gcp-fedkit.mjs with google-auth-library's IdentityPoolClient (subject token
// supplier + service-account impersonation) and its authorised fetch.
import { IdentityPoolClient } from "google-auth-library";

export default async function handler(request) {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  const client = new IdentityPoolClient({
    type: "external_account",
    audience:
      "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/providers/site",
    subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
    token_url: "https://sts.googleapis.com/v1/token",
    service_account_impersonation_url:
      "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/reader@my-project.iam.gserviceaccount.com:generateAccessToken",
    subject_token_supplier: { getSubjectToken: async () => token },
  });
  const res = await client.fetch(
    "https://storage.googleapis.com/storage/v1/b/private/o/report.csv?alt=media",
  );
  return new Response(res.data);
}
