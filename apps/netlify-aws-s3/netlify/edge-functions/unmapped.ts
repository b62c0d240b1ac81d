// Not mapped to the `reports` role in fedkit.config.js: fedkit refuses with `policy_refused` (HTTP 403) and
// writes a `refusal` audit event before any token is minted. A guardrail against mistakes, not a boundary
// against hostile code in the same site (every function can read the site's environment).
import { withFedkit } from "@fedkit/netlify";
import type { AwsFetch } from "@fedkit/netlify/aws";
import fedkit, { bucketUrl } from "../fedkit.config.js";

export default withFedkit({ ...fedkit, function: "unmapped" }, async (_request, fedkit) => {
  const s3 = fedkit.client<AwsFetch>("reports");
  return s3(`${bucketUrl}/reports/latest.csv`);
});

export const config = { path: "/unmapped" };
