// Not mapped to the `reports` target in fedkit.config.js: fedkit refuses with `policy_refused` (HTTP 403) and
// writes a `refusal` audit event before any token is minted. Were a token minted for it anyway, Google would
// refuse it too: the provider's attribute condition only admits `function == "report"`. Both are guardrails
// against mistakes, not a boundary against hostile code in the same site (every function can read its env).
import { withFedkit } from "@fedkit/netlify";
import type { GcpFetch } from "@fedkit/netlify/gcp";
import fedkit, { bucket, storageOrigin } from "../fedkit.config.js";

export default withFedkit({ ...fedkit, function: "unmapped" }, async (_request, fedkit) => {
  const gcs = fedkit.client<GcpFetch>("reports");
  return gcs(
    `${storageOrigin}/storage/v1/b/${bucket}/o/${encodeURIComponent("reports/latest.csv")}?alt=media`,
  );
});

export const config = { path: "/unmapped" };
