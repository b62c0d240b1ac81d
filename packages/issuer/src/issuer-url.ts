import { issuerConfigError } from "./errors.js";
import { checkContext } from "./subject.js";

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])$/;

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
  // A text that is no URL is refused below, as any other site URL that is not an https origin.
  const url = URL.canParse(siteUrl) ? new URL(siteUrl) : undefined;
  const loopback = url !== undefined && LOOPBACK.test(url.hostname);
  if (
    url === undefined ||
    (url.protocol !== "https:" && !(loopback && url.protocol === "http:")) ||
    (url.port !== "" && !loopback) ||
    // A path, query, fragment or user info makes the href more than the origin.
    url.href !== `${url.origin}/`
  ) {
    throw issuerConfigError(
      `Site URL ${JSON.stringify(siteUrl)} must be an https origin without port, path or query.`,
      "Set `siteUrl` to the production origin (https://host).",
    );
  }
  return `${url.origin}/oidc/${checkContext(context)}`;
}

/** The condition-key prefix IAM uses for an issuer: the URL without `https://`, path included. @public */
export function issuerHostPath(issuer: string): string {
  return issuer.replace(/^https?:\/\//, "");
}
