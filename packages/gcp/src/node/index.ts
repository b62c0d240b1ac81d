/// <reference types="node" />
/**
 * `@fedkit/gcp/node`: hands fedkit's Google credentials to `google-auth-library` (peer, majors 10 and 11), so
 * `@google-cloud/storage` and every other Google client library authenticate with them.
 *
 * @packageDocumentation
 */
import { type AccessToken, type Federation, FederationError, type GetCredentialsOptions } from "@fedkit/core";
import { type AuthorizedFetch, authorizedFetch } from "@fedkit/core/provider";
import { AuthClient, type gaxios } from "google-auth-library";

/** The constructor options of google-auth-library's `AuthClient`. @public */
export type AuthClientOptions = NonNullable<ConstructorParameters<typeof AuthClient>[0]>;

import { bearerAuthorizer, gcpBearerRule } from "../fetch.js";
import type { GcpProvider } from "../provider.js";

/** Options of {@link FedkitAuthClient}. @public */
export interface FedkitAuthClientOptions extends Omit<AuthClientOptions, "credentials"> {
  /** Passed to `federation.getCredentials` on every call (signal, correlation id, scheduler). */
  readonly getCredentials?: GetCredentialsOptions;
  /**
   * Origins outside Google's API hosts that may receive the bearer (an emulator, a private endpoint), as with
   * `gcpFetch`. Explicit opt-in: without it the bearer only goes to `https://*.googleapis.com` (the provider's
   * universe domain), and anything else is refused with `endpoint_refused` before a token is asked for.
   */
  readonly allowedOrigins?: readonly string[];
  /** Milliseconds until an answer's headers must arrive (`request()`/`fetch()`). Default 30 000. */
  readonly timeoutMs?: number;
}

/** Hands a checked, authorized `Request` to a `(url, init)` transport such as gaxios's, body streamed. */
function sendAsInit(transport: typeof fetch, request: Request): Promise<Response> {
  const init: RequestInit & { duplex?: "half" } = {
    method: request.method,
    headers: request.headers,
    redirect: request.redirect,
    signal: request.signal,
  };
  if (request.body !== null) {
    init.body = request.body;
    init.duplex = "half";
  }
  return transport(request.url, init);
}

/** The authorization headers of an authorized request, in the shape both library generations read. */
function withAuthorization(headers: Headers): Headers {
  const out = authorizationHeaders(headers.get("authorization") ?? "");
  const project = headers.get("x-goog-user-project");
  if (project !== null) out.set("x-goog-user-project", project);
  return out;
}

/**
 * Headers that work with both generations of callers: google-auth-library 10+ reads a `Headers` object, while
 * libraries still built on 9 (such as `@google-cloud/storage` 7) `Object.assign` what they get.
 */
function authorizationHeaders(value: string): Headers {
  const headers = new Headers({ authorization: value });
  Object.defineProperty(headers, "Authorization", { value, enumerable: true });
  return headers;
}

/**
 * A google-auth-library `AuthClient` whose tokens come from a fedkit federation and GCP provider (the engine's
 * cache, single flight and background refresh apply). Pass it as `authClient` to a Google client library.
 *
 * @example
 * ```ts
 * import { Storage } from "@google-cloud/storage";
 * import { FedkitAuthClient } from "@fedkit/gcp/node";
 *
 * const storage = new Storage({ authClient: new FedkitAuthClient(federation, gcp), projectId: "my-project" });
 * const [contents] = await storage.bucket("reports").file("daily.csv").download();
 * ```
 * @public
 */
export class FedkitAuthClient extends AuthClient {
  readonly #federation: Federation;
  readonly #provider: GcpProvider;
  readonly #options: GetCredentialsOptions | undefined;
  /** The same authorized fetch as gcpFetch: its checks run before any token is asked for. */
  readonly #authorized: AuthorizedFetch;
  /** gcpFetch's checks alone (no token): what request() runs before handing anything to gaxios. */
  readonly #checks: AuthorizedFetch;
  /** gcpFetch's authorized fetch over a given transport (gaxios's `fetchImplementation`). */
  readonly #sender: (transport: typeof fetch) => AuthorizedFetch;

  constructor(federation: Federation, provider: GcpProvider, options: FedkitAuthClientOptions = {}) {
    const { getCredentials, allowedOrigins, timeoutMs, ...authOptions } = options;
    super(authOptions);
    this.#federation = federation;
    this.#provider = provider;
    this.#options = getCredentials;
    const rule = gcpBearerRule(provider, { allowedOrigins, timeoutMs });
    const authorize = bearerAuthorizer(federation, provider, getCredentials, (headers, token) => {
      this.#remember(token);
      // google-auth-library sets the quota project in place; a version that returned new headers is copied in.
      const added = this.addSharedMetadataHeaders(headers);
      if (added !== headers) for (const [name, value] of added) headers.set(name, value);
    });
    this.#authorized = authorizedFetch({ ...rule, authorize });
    // The checks alone: the request comes back untouched and no token is asked for.
    this.#checks = authorizedFetch({ ...rule, authorize: async (request) => request });
    this.#sender = (transport) =>
      authorizedFetch({ ...rule, authorize, fetch: (request) => sendAsInit(transport, request) });
  }

  #remember(creds: AccessToken): void {
    // Mirrors the fields google-auth-library's own clients keep, for code that inspects `client.credentials`.
    this.credentials = {
      access_token: creds.token,
      expiry_date: creds.expiresAt,
      token_type: creds.tokenType,
    };
  }

  async #credentials(): Promise<AccessToken> {
    const creds = await this.#federation.getCredentials<AccessToken>(this.#provider, this.#options);
    this.#remember(creds);
    return creds;
  }

  /** The current access token (fedkit's cache decides when to refresh). */
  override async getAccessToken(): Promise<{ token: string; res: null }> {
    return { token: (await this.#credentials()).token, res: null };
  }

  async #headers(): Promise<Headers> {
    const creds = await this.#credentials();
    return this.addSharedMetadataHeaders(authorizationHeaders(`${creds.tokenType} ${creds.token}`));
  }

  /**
   * `authorization: Bearer …`, plus `x-goog-user-project` when a quota project is set, for a request to `url`
   * (client libraries pass it). Without a URL there is nothing to check, and the bearer is yours to use, as with
   * `getAccessToken()`.
   *
   * @throws FederationError `endpoint_refused` when `url` is not a Google API host over https and not in
   *   `allowedOrigins`, before a token is asked for.
   */
  override async getRequestHeaders(url?: string | URL): Promise<Headers> {
    if (url === undefined) return this.#headers();
    return withAuthorization((await this.#authorized.authorize(url)).headers);
  }

  /**
   * google-auth-library 10's fetch-style API. String input is checked for dot segments before google-auth-library
   * parses it (the parser would resolve them and reach another path); a `Request`'s own method, headers and body
   * are sent (spreading a `Request`, as the base class does, would drop them). Then as {@link request}.
   */
  override async fetch<T>(...args: Parameters<AuthClient["fetch"]>): gaxios.GaxiosPromise<T> {
    const [input, init] = args as [unknown, (RequestInit & gaxios.GaxiosOptions) | undefined];
    if (typeof input === "string") await this.#checks.authorize(input);
    if (!(input instanceof Request)) return super.fetch<T>(...args);
    const headers = new Headers(input.headers);
    for (const [name, value] of new Headers(init?.headers)) headers.set(name, value);
    const body = init?.body ?? (input.body === null ? undefined : await input.arrayBuffer());
    return this.request<T>({
      ...init,
      url: input.url,
      method: (init?.method ?? input.method) as gaxios.GaxiosOptions["method"],
      headers,
      ...(body === undefined ? {} : { body: body as gaxios.GaxiosOptions["body"] }),
    });
  }

  /**
   * Sends a request with the bearer added (gaxios, like the library's own clients); redirects are refused.
   *
   * @throws FederationError `endpoint_refused` when the URL (resolved against `baseURL`, as gaxios does) is not
   *   a Google API host over https and not in `allowedOrigins`, before a token is asked for.
   */
  override async request<T>(options: gaxios.GaxiosOptions): gaxios.GaxiosPromise<T> {
    const base = options.baseURL ?? this.transporter.defaults.baseURL;
    if (options.url === undefined || options.url === "") {
      throw new FederationError("config", "FedkitAuthClient.request: no url to send the request to.", {
        provider: "gcp",
        hint: "Pass request({ url: 'https://<service>.googleapis.com/...' }).",
      });
    }
    let resolved: URL | string = options.url;
    try {
      resolved = base === undefined ? options.url : new URL(options.url, base);
    } catch {
      // The authorized fetch reports the malformed URL.
    }
    // gcpFetch's checks (host, customer services, dot segments) once before gaxios, so a refusal is neither
    // retried by gaxios nor costs a token; then gaxios sends through gcpFetch's authorized fetch, which checks
    // again, adds the bearer, and turns any redirect into a RedirectRefusedError (never followed).
    const target = new URL((await this.#checks.authorize(resolved)).url);
    const transport: typeof fetch =
      options.fetchImplementation ?? this.transporter.defaults.fetchImplementation ?? globalThis.fetch;
    const send = this.#sender(transport);
    try {
      // Sent to the absolute URL that was checked, so no baseURL (the caller's or the transporter's) moves it.
      return await this.transporter.request<T>({
        ...options,
        url: target.href,
        fetchImplementation: ((url: string | URL, init?: RequestInit) => send(url, init)) as typeof fetch,
      });
    } catch (error) {
      // gaxios wraps what its transport threw; fedkit's refusals surface as themselves.
      throw error instanceof Error && error.cause instanceof FederationError ? error.cause : error;
    }
  }
}

/**
 * Shorthand for `new FedkitAuthClient(federation, provider, options)`.
 * @public
 */
export function googleAuthClient(
  federation: Federation,
  provider: GcpProvider,
  options?: FedkitAuthClientOptions,
): FedkitAuthClient {
  return new FedkitAuthClient(federation, provider, options);
}
