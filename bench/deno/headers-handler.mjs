// What Deno itself charges for a signed request, without any signing: the empty handler's S3 GET sent with the four
// headers a SigV4 request carries (fixed values of real sizes: the bench's 1 KB session token, a 64-hex-digit
// signature) and an abort signal, as fedkit sends it. The sample's warm overhead minus this one's is what fedkit's
// own code costs; this one's overhead is what Deno charges before any signing.
const DATE = "20261207T000000Z";
const SIGNATURE = "0".repeat(64);

export default async () => {
  const token = Netlify.env.get("SESSION_TOKEN");
  const object = await fetch(
    new Request(`${Netlify.env.get("REPORTS_BUCKET_URL")}/reports/latest.csv`, {
      headers: {
        "x-amz-date": DATE,
        "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
        "x-amz-security-token": token,
        authorization: `AWS4-HMAC-SHA256 Credential=ASIABENCH0000001/20261207/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=${SIGNATURE}`,
      },
      redirect: "manual",
      signal: new AbortController().signal,
    }),
  );
  return new Response(object.body, {
    headers: {
      "content-type": object.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": "private, no-store",
    },
  });
};
