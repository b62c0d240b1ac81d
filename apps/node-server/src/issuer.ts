// The server as its own OIDC issuer (@fedkit/issuer, the platform-neutral issuer): it mints a short-lived token
// per cloud audience with its production key set (FEDKIT_ISSUER_KEYS, from `fedkit keys`) and publishes discovery
// and JWKS under SITE_URL/oidc/production/, which the clouds fetch. SITE_URL must be https for Entra: put the
// server behind your TLS proxy or load balancer.
import type { SubjectTokenSource } from "@fedkit/core";
import { createSiteIssuer, issuerHandler, publishedKeys, siteIssuerSource } from "@fedkit/issuer";
import { need, type Vars } from "./vars.js";

/** The token source the middlewares use, and the discovery/JWKS handler to mount at `/oidc/`. */
export interface ServerIssuer {
  readonly source: SubjectTokenSource;
  readonly discovery: (request: Request) => Promise<Response>;
}

export function serverIssuer(vars: Vars): ServerIssuer {
  const siteUrl = need(vars, "SITE_URL");
  const keys = need(vars, "FEDKIT_ISSUER_KEYS");
  const site = createSiteIssuer({ siteUrl, siteId: need(vars, "SITE_ID"), context: "production", keys });
  return {
    // Tokens name this server as function "server": site:SITE_ID:context:production:function:server.
    source: siteIssuerSource(site, { functionName: "server" }),
    discovery: issuerHandler({
      siteUrl,
      publicKeys: (context) =>
        publishedKeys(context, {
          running: "production",
          keySet: keys,
          keySetVariable: "FEDKIT_ISSUER_KEYS",
          otherContexts: vars["FEDKIT_ISSUER_PUBLIC_KEYS"],
        }),
    }),
  };
}
