// The AWS SDK v3 peer of the AWS sample, written the way the SDK is meant to be used on an edge: one S3Client per
// isolate (its credential provider memoized by the client), the web identity token from the site issuer (the only
// OIDC token a Netlify site has), STS through fromWebToken. bench/deno.bench.mjs bundles it with esbuild for
// Node (the SDK's Node build: its browser build needs DOMParser, which Deno lacks) and Deno runs it.
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fromWebToken } from "@aws-sdk/credential-providers";
import { createSiteIssuer, importIssuerKeySet } from "@fedkit/netlify";

const env = (name) => Netlify.env.get(name);
let s3;

function client() {
  if (s3 !== undefined) return s3;
  const issuer = createSiteIssuer({
    siteUrl: env("SITE_URL"),
    siteId: env("FEDKIT_SITE_ID"),
    context: "production",
    keys: () => importIssuerKeySet(env("FEDKIT_ISSUER_KEYS")),
  });
  s3 = new S3Client({
    region: "eu-west-1",
    endpoint: new URL(env("REPORTS_BUCKET_URL")).origin,
    forcePathStyle: true,
    credentials: async () => {
      const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
      return fromWebToken({
        roleArn: env("REPORTS_ROLE_ARN"),
        roleSessionName: "report",
        webIdentityToken: token.raw,
        clientConfig: { region: "eu-west-1", endpoint: env("FEDKIT_AWS_STS_ENDPOINT") },
      })();
    },
  });
  return s3;
}

export default async (request) => {
  const key = new URL(request.url).searchParams.get("key") ?? "reports/latest.csv";
  const object = await client().send(new GetObjectCommand({ Bucket: "fedkit-reports", Key: key }));
  return new Response(object.Body.transformToWebStream(), {
    headers: {
      "content-type": object.ContentType ?? "application/octet-stream",
      "cache-control": "private, no-store",
    },
  });
};
