// Not mapped to the `claude` target in fedkit.config.js: fedkit refuses with `policy_refused` (HTTP 403) and writes
// a `refusal` audit event before any token is minted. A guardrail against mistakes, not a boundary against hostile
// code in the same site (every function can read the site's environment).
import { withFedkit } from "@fedkit/netlify";
import type { FetchFn } from "@fedkit/netlify/anthropic";
import fedkit, { anthropicUrl } from "../fedkit.config.js";

export default withFedkit({ ...fedkit, function: "unmapped" }, async (_request, fedkit) => {
  const claude = fedkit.client<FetchFn>("claude");
  return claude(`${anthropicUrl}/v1/messages`, { method: "POST", body: "{}" });
});

export const config = { path: "/unmapped" };
