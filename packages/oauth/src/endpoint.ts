/**
 * Where a token request may go: the token URL checked against the service's hosts (or, for a generic endpoint,
 * the host the caller named) before any token is sent.
 *
 * @packageDocumentation
 */

import { FederationError } from "@fedkit/core";
import type { EndpointRule, HostPattern } from "@fedkit/core/provider";
import { checkEndpoint } from "@fedkit/core/provider";

/** A checked token URL and the rule every request to it is sent under. @internal */
export interface TokenEndpoint {
  readonly url: string;
  readonly endpoint: EndpointRule;
}

/**
 * Checks `tokenUrl` once, at configuration: https on the default port, no user info, query or fragment, on
 * `officialHosts` (default: exactly the URL's own host), unless its origin is in `allowedOrigins`.
 * @throws FederationError `config` for a malformed URL; `endpoint_refused` for a host outside the rule.
 * @internal
 */
export function tokenEndpoint(
  provider: string,
  tokenUrl: string,
  officialHosts: readonly HostPattern[] | undefined,
  allowedOrigins: readonly string[] | undefined,
): TokenEndpoint {
  if (typeof tokenUrl !== "string" || !URL.canParse(tokenUrl)) {
    throw new FederationError(
      "config",
      `${provider}: tokenUrl must be an absolute URL (got ${String(tokenUrl)}).`,
      {
        provider,
        hint: "Pass the service's OAuth token endpoint, e.g. https://auth.example.com/oauth/token.",
      },
    );
  }
  const url = new URL(tokenUrl);
  if (url.search !== "" || url.hash !== "") {
    throw new FederationError("config", `${provider}: tokenUrl must not have a query or fragment.`, {
      provider,
      hint: "Token request parameters go in the body; name the endpoint alone.",
    });
  }
  const endpoint: EndpointRule = {
    cloud: provider,
    officialHosts: officialHosts ?? [url.hostname.toLowerCase()],
    ...(allowedOrigins === undefined ? {} : { allowedOrigins }),
  };
  return { url: checkEndpoint(url, endpoint).href, endpoint };
}
