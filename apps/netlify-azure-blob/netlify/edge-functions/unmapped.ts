// Not mapped to the `blobs` target in fedkit.config.js: fedkit refuses with `policy_refused` (HTTP 403) and
// writes a `refusal` audit event before any token is minted.
import { withFedkit } from "@fedkit/netlify";
import type { AzureFetch } from "@fedkit/netlify/azure";
import fedkit, { containerUrl } from "../fedkit.config.js";

export default withFedkit({ ...fedkit, function: "unmapped" }, async (_request, fedkit) => {
  const blobs = fedkit.client<AzureFetch>("blobs");
  return blobs(`${containerUrl}/hello.txt`);
});

export const config = { path: "/unmapped" };
