import { issuerConfigError } from "./errors.js";
import { checkContext } from "./subject.js";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * The issuer URL of a deploy context: `<site-url>/oidc/<context>`. The site URL comes from configuration,
 * never from a request's `Host`. It must be https without a port or path; plain http is accepted for loopback
 * hosts only, because no real cloud trusts those (they are for the local emulator).
 *
 * @example
 * ```ts
 * issuerUrl("https://reports.example.com", "production"); // "https://reports.example.com/oidc/production"
 * ```
 * @public
 */
export function issuerUrl(siteUrl: string, context: string): string {
  let url: URL;
  try {
    url = new URL(siteUrl);
  } catch (cause) {
    throw issuerConfigError(`The site URL ${JSON.stringify(siteUrl)} is not a URL.`, SITE_URL_HINT, cause);
  }
  const loopback = LOOPBACK.has(url.hostname);
  if (url.protocol !== "https:" && !(loopback && url.protocol === "http:")) {
    throw issuerConfigError(`The site URL ${siteUrl} must use https.`, SITE_URL_HINT);
  }
  if (
    (url.port !== "" && !loopback) ||
    url.pathname !== "/" ||
    url.search !== "" ||
    url.hash !== "" ||
    url.username
  ) {
    throw issuerConfigError(
      `The site URL ${siteUrl} must be an origin without port, path or query.`,
      SITE_URL_HINT,
    );
  }
  return `${url.origin}/oidc/${checkContext(context)}`;
}

const SITE_URL_HINT = "Set `siteUrl` to the production origin, e.g. https://reports.example.com.";

/** The condition-key prefix IAM uses for an issuer: the URL without `https://`, path included. @public */
export function issuerHostPath(issuer: string): string {
  return issuer.replace(/^https?:\/\//, "");
}
