// Bundle-size entry: an edge function that exchanges the request's bearer token at Google STS, impersonates a
// service account and returns a private GCS object through an authorised fetch. Same job as gcp-google-auth.mjs.
import { createFederation, staticToken } from "@fedkit/core";
import { gcpFetch, gcpProvider } from "@fedkit/gcp";

export default async function handler(request) {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  const federation = createFederation({ source: staticToken(token) });
  const gcp = gcpProvider({
    projectNumber: "123456789012",
    poolId: "netlify",
    providerId: "site",
    serviceAccount: "reader@my-project.iam.gserviceaccount.com",
  });
  return gcpFetch(
    federation,
    gcp,
  )("https://storage.googleapis.com/storage/v1/b/private/o/report.csv?alt=media");
}
