// Streams a private S3 object. No AWS key is stored: the site issuer mints a 5-minute token for this function,
// STS exchanges it for role credentials, and fedkit signs the S3 request with them (cached per isolate).
import { withFedkit } from "@fedkit/netlify";
import type { AwsFetch } from "@fedkit/netlify/aws";
import fedkit, { bucketUrl } from "../fedkit.config.js";

const KEY = /^reports\/[\w.-]{1,200}$/;

export default withFedkit({ ...fedkit, function: "report" }, async (request, fedkit) => {
  const key = new URL(request.url).searchParams.get("key") ?? "reports/latest.csv";
  if (!KEY.test(key)) {
    return Response.json({ error: { code: "bad_key", requestId: fedkit.requestId } }, { status: 400 });
  }
  const s3 = fedkit.client<AwsFetch>("reports");
  const object = await s3(`${bucketUrl}/${key}`);
  if (!object.ok) {
    const status = object.status === 404 ? 404 : 502;
    return Response.json({ error: { code: `s3_${object.status}`, requestId: fedkit.requestId } }, { status });
  }
  return new Response(object.body, {
    headers: {
      "content-type": object.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": "private, no-store",
      "x-fedkit-request-id": fedkit.requestId,
    },
  });
});

export const config = { path: "/report" };
