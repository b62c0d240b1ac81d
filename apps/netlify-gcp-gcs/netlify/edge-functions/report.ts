// Streams a private Cloud Storage object. No Google key is stored: the site issuer mints a 5-minute token for
// this function, Google STS exchanges it (the provider's attribute condition pins site, context and function),
// IAM Credentials impersonates the reader service account, and fedkit sends the GCS request with that bearer.
import { withFedkit } from "@fedkit/netlify";
import type { GcpFetch } from "@fedkit/netlify/gcp";
import fedkit, { bucket, storageOrigin } from "../fedkit.config.js";

const KEY = /^reports\/[\w.-]{1,200}$/;

export default withFedkit({ ...fedkit, function: "report" }, async (request, fedkit) => {
  const key = new URL(request.url).searchParams.get("key") ?? "reports/latest.csv";
  if (!KEY.test(key)) {
    return Response.json({ error: { code: "bad_key", requestId: fedkit.requestId } }, { status: 400 });
  }
  const gcs = fedkit.client<GcpFetch>("reports");
  const object = await gcs(`${storageOrigin}/storage/v1/b/${bucket}/o/${encodeURIComponent(key)}?alt=media`);
  if (!object.ok) {
    const status = object.status === 404 ? 404 : 502;
    return Response.json(
      { error: { code: `gcs_${object.status}`, requestId: fedkit.requestId } },
      { status },
    );
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
