/**
 * `gcpFetch`: core's `authorizedFetch` with the bearer of a GCP provider, sent only where
 * `gcpBearerHosts` says (Google's API hosts for access tokens, the audience's host for ID tokens).
 *
 * @packageDocumentation
 */
import type { AccessToken, Federation, FetchLike, GetCredentialsOptions } from "@fedkit/core";
import { type AuthorizedFetchOptions, authorizedFetch } from "@fedkit/core/provider";
import { refuseCustomerHost } from "./endpoints.js";
import type { GcpProvider } from "./provider.js";

/** Options of {@link gcpFetch}. @public */
export interface GcpFetchOptions {
  /** The fetch to send with; default `globalThis.fetch` at call time. */
  readonly fetch?: FetchLike;
  /**
   * Origins outside the provider's hosts that may receive the bearer (the emulator's GCS URL, a private
   * endpoint). Explicit opt-in: without it an access token only goes to `https://*.googleapis.com`.
   */
  readonly allowedOrigins?: readonly string[];
  /** Passed to `federation.getCredentials` on every call (correlation id, signal, scheduler). */
  readonly credentials?: GetCredentialsOptions;
  /** Milliseconds until the answer's headers must arrive. Default 30 000. */
  readonly timeoutMs?: number;
}

/** What the caller adds to the bearer's headers (the quota project), in place, seeing the token. @internal */
export type GcpAuthorize = (headers: Headers, token: AccessToken) => void;

/** A transport with `fetch`'s `(url, init)` shape, fed from the authorized `Request`. */
function fromFetchLike(send: FetchLike): (request: Request) => Promise<Response> {
  return async (request) => {
    const { url, method, headers, redirect, signal, body } = request;
    return send(url, {
      method,
      headers,
      redirect,
      signal,
      ...(body && { body: await request.arrayBuffer() }),
    });
  };
}

/**
 * Where a provider's bearer may go, as core's `authorizedFetch` takes it: the one rule `gcpFetch` and the
 * google-auth-library adapter share (`gcpBearerHosts`, customer services refused, `allowedOrigins` opted in).
 *
 * @example
 * ```ts
 * const checks = authorizedFetch({ ...gcpBearerRule(provider, {}), authorize: async (request) => request });
 * await checks.authorize("https://orders-abc-uc.a.run.app/"); // throws endpoint_refused
 * ```
 * @internal
 */
export function gcpBearerRule(
  provider: GcpProvider,
  options: Pick<GcpFetchOptions, "allowedOrigins" | "timeoutMs">,
): Omit<AuthorizedFetchOptions, "authorize"> {
  return {
    cloud: "gcp",
    officialHosts: provider.apiHosts,
    refuse: (url) => refuseCustomerHost(url, provider.apiHosts),
    // authorizedFetch reads an undefined option as absent (its default).
    allowedOrigins: options.allowedOrigins,
    timeoutMs: options.timeoutMs,
    optInHint: "To send the bearer elsewhere, list the origin in allowedOrigins.",
  };
}

/**
 * An `authorize` hook for `authorizedFetch` that asks the federation for the provider's token (with the
 * caller's signal) and sets `Authorization`, then lets `decorate` add to the headers. The request is
 * authorizedFetch's own copy (never the caller's `Request`), so its headers are set in place.
 *
 * @example
 * ```ts
 * const send = authorizedFetch({ ...gcpBearerRule(provider, {}), authorize: bearerAuthorizer(federation, provider, undefined) });
 * ```
 * @internal
 */
export function bearerAuthorizer(
  federation: Pick<Federation, "getCredentials">,
  provider: GcpProvider,
  credentials: GetCredentialsOptions | undefined,
  decorate?: GcpAuthorize,
): AuthorizedFetchOptions["authorize"] {
  return async (request, { signal }) => {
    const token = await federation.getCredentials<AccessToken>(provider, { ...credentials, signal });
    request.headers.set("authorization", `${token.tokenType} ${token.token}`);
    decorate?.(request.headers, token);
    return request;
  };
}

/**
 * Returns a `fetch` that authorises requests with the provider's access (or ID) token. Before any token is
 * fetched it refuses URLs outside the provider's hosts (`gcpBearerHosts`: `*.googleapis.com` for access tokens,
 * the audience's host for ID tokens) and customer-run services (`*.run.app`, ...) unless `allowedOrigins` names
 * them; redirects are never followed (a redirect answer is a `RedirectRefusedError`).
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
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const send = authorizedFetch({
    ...gcpBearerRule(provider, options),
    fetch: options.fetch && fromFetchLike(options.fetch),
    authorize: bearerAuthorizer(federation, provider, options.credentials),
  });
  return (input, init) => send(input, init);
}
