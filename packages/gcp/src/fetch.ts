/**
 * `gcpFetch`: a `fetch` that adds the bearer from a GCP provider, and only for Google's API hosts.
 *
 * @packageDocumentation
 */
import {
  type AccessToken,
  checkEndpoint,
  type Federation,
  type FetchLike,
  type GetCredentialsOptions,
} from "@fedkit/core";
import type { GcpProvider } from "./provider.js";

/** Options of {@link gcpFetch}. @public */
export interface GcpFetchOptions {
  /** The fetch to send with; default `globalThis.fetch` at call time. */
  readonly fetch?: FetchLike;
  /**
   * Origins outside Google's API hosts that may receive the bearer (the emulator's GCS URL, a private
   * endpoint). Explicit opt-in: without it a token only goes to `https://*.googleapis.com`.
   */
  readonly allowedOrigins?: readonly string[];
  /** Passed to `federation.getCredentials` on every call (correlation id, signal, scheduler). */
  readonly credentials?: GetCredentialsOptions;
}

/**
 * Returns a `fetch` that authorises requests with the provider's access (or ID) token. It refuses, before any
 * token is fetched, URLs outside the provider's hosts (`*.googleapis.com` for access tokens, the audience's host
 * for ID tokens) unless `allowedOrigins` names them.
 *
 * @example
 * ```ts
 * const gfetch = gcpFetch(federation, gcpProvider({ audience, serviceAccount }));
 * const res = await gfetch("https://storage.googleapis.com/storage/v1/b/my-bucket/o/report.csv?alt=media");
 * ```
 * @throws FederationError `endpoint_refused` for a host that may not receive the bearer; any error of
 *   `getCredentials`.
 * @public
 */
export function gcpFetch(
  federation: Pick<Federation, "getCredentials">,
  provider: GcpProvider,
  options: GcpFetchOptions = {},
): (url: string | URL, init?: RequestInit) => Promise<Response> {
  const rule = {
    cloud: "gcp",
    officialHosts: provider.apiHosts,
    ...(options.allowedOrigins ? { allowedOrigins: options.allowedOrigins } : {}),
  };
  return async (url, init = {}) => {
    const target = checkEndpoint(url, rule);
    const credentials = await federation.getCredentials<AccessToken>(provider, options.credentials);
    const headers = new Headers(init.headers);
    headers.set("authorization", `${credentials.tokenType} ${credentials.token}`);
    const send = options.fetch ?? (globalThis.fetch as FetchLike);
    return send(target.href, { ...init, headers, redirect: init.redirect ?? "manual" });
  };
}
