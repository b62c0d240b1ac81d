// The site's OIDC issuers: /oidc/<context>/.well-known/openid-configuration and /jwks.json, read by Anthropic.
import { issuerRoutes } from "@fedkit/netlify";
import fedkit from "../fedkit.config.js";

export default issuerRoutes(fedkit);

export const config = { path: "/oidc/*" };
