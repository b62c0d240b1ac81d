/// <reference types="node" />
/**
 * `@fedkit/gcp/node`: hands fedkit's Google credentials to `google-auth-library` (peer, majors 10 and 11), so
 * `@google-cloud/storage` and every other Google client library authenticate with them.
 *
 * @packageDocumentation
 */
import {
  type AccessToken,
  type AuthorizedFetch,
  type Federation,
  FederationError,
  type GetCredentialsOptions,
} from "@fedkit/core";
import { AuthClient, type gaxios } from "google-auth-library";

/** The constructor options of google-auth-library's `AuthClient`. @public */
export type AuthClientOptions = NonNullable<ConstructorParameters<typeof AuthClient>[0]>;

import { gcpAuthorizedFetch } from "../fetch.js";
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

  constructor(federation: Federation, provider: GcpProvider, options: FedkitAuthClientOptions = {}) {
    const { getCredentials, allowedOrigins, ...authOptions } = options;
    super(authOptions);
    this.#federation = federation;
    this.#provider = provider;
    this.#options = getCredentials;
    this.#authorized = gcpAuthorizedFetch(federation, provider, {
      ...(allowedOrigins ? { allowedOrigins } : {}),
      ...(getCredentials ? { credentials: getCredentials } : {}),
      onToken: (token) => this.#remember(token),
      authorize: (headers) => this.addSharedMetadataHeaders(headers),
    });
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
    // Checked and authorized by gcpFetch's rules (host, customer services, dot segments) before a token is asked.
    const authorized = await this.#authorized.authorize(resolved);
    const target = new URL(authorized.url);
    const headers = new Headers(options.headers as HeadersInit | undefined);
    for (const [name, value] of authorized.headers) {
      if (name === "authorization" || name === "x-goog-user-project") headers.set(name, value);
    }
    // Sent to the absolute URL that was checked, so no baseURL (the caller's or the transporter's) moves it.
    // gaxios follows redirects by default, and a same-origin hop keeps the bearer: always refused, whatever
    // mode the caller asked for.
    return this.transporter.request<T>({
      ...options,
      url: target.href,
      headers,
      redirect: "error",
    });
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
