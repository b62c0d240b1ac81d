/**
 * `gcpFetch`: core's `authorizedFetch` with the bearer of a GCP provider, sent only where
 * `gcpBearerHosts` says (Google's API hosts for access tokens, the audience's host for ID tokens).
 *
 * @packageDocumentation
 */
import type { AccessToken, Federation, FetchLike, GetCredentialsOptions } from "@fedkit/core";
import { type AuthorizedFetch, authorizedFetch } from "@fedkit/core/provider";
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

/** How the bearer is added: the `Authorization` header, plus what the caller adds (quota project). @internal */
export type GcpAuthorize = (headers: Headers, token: AccessToken) => Headers | Promise<Headers>;

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
 * The authorized fetch both `gcpFetch` and the google-auth-library adapter send through.
 * @internal
 */
export function gcpAuthorizedFetch(
  federation: Pick<Federation, "getCredentials">,
  provider: GcpProvider,
  options: GcpFetchOptions & {
    readonly authorize?: GcpAuthorize;
    readonly onToken?: (t: AccessToken) => void;
    /** Run the checks only: `authorize()` returns the request untouched and asks for no token. */
    readonly checkOnly?: boolean;
    /** A `Request`-taking transport, instead of `fetch`. */
    readonly transport?: (request: Request) => Promise<Response>;
  },
): AuthorizedFetch {
  const transport = options.transport ?? (options.fetch ? fromFetchLike(options.fetch) : undefined);
  return authorizedFetch({
    cloud: "gcp",
    officialHosts: provider.apiHosts,
    refuse: (url) => refuseCustomerHost(url, provider.apiHosts),
    // authorizedFetch reads an undefined option as absent (its default).
    allowedOrigins: options.allowedOrigins,
    fetch: transport,
    timeoutMs: options.timeoutMs,
    optInHint: "To send the bearer elsewhere, list the origin in allowedOrigins.",
    async authorize(request, { signal }) {
      if (options.checkOnly) return request;
      const token = await federation.getCredentials<AccessToken>(provider, {
        ...options.credentials,
        signal,
      });
      options.onToken?.(token);
      const headers = new Headers(request.headers);
      headers.set("authorization", `${token.tokenType} ${token.token}`);
      return new Request(request, { headers: (await options.authorize?.(headers, token)) ?? headers });
    },
  });
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
  const send = gcpAuthorizedFetch(federation, provider, options);
  return (input, init) => send(input, init);
}
