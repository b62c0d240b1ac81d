// Streams a private blob. No Azure secret is stored: the site issuer mints a short-lived RS256 token, Entra
// exchanges it (federated identity credential) for a storage token, and fedkit sends it only to Azure Storage.
import { withFedkit } from "@fedkit/netlify";
import type { AzureFetch } from "@fedkit/netlify/azure";
import fedkit, { containerUrl } from "../fedkit.config.js";

const NAME = /^[\w.-]{1,200}$/;

export default withFedkit({ ...fedkit, function: "blob" }, async (request, fedkit) => {
  const name = new URL(request.url).searchParams.get("name") ?? "hello.txt";
  if (!NAME.test(name)) {
    return Response.json({ error: { code: "bad_name", requestId: fedkit.requestId } }, { status: 400 });
  }
  const blobs = fedkit.client<AzureFetch>("blobs");
  const blob = await blobs(`${containerUrl}/${name}`);
  if (!blob.ok) {
    const status = blob.status === 404 ? 404 : 502;
    return Response.json({ error: { code: `blob_${blob.status}`, requestId: fedkit.requestId } }, { status });
  }
  return new Response(blob.body, {
    headers: {
      "content-type": blob.headers.get("content-type") ?? "application/octet-stream",
      "cache-control": "private, no-store",
      "x-fedkit-request-id": fedkit.requestId,
    },
  });
});

export const config = { path: "/blob" };
