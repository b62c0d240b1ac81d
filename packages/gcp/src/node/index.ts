/// <reference types="node" />
/**
 * `@fedkit/gcp/node`: hands fedkit's Google credentials to `google-auth-library` (peer, majors 10 and 11), so
 * `@google-cloud/storage` and every other Google client library authenticate with them.
 *
 * @packageDocumentation
 */
import type { AccessToken, Federation, GetCredentialsOptions } from "@fedkit/core";
import { AuthClient, type gaxios } from "google-auth-library";

/** The constructor options of google-auth-library's `AuthClient`. @public */
export type AuthClientOptions = NonNullable<ConstructorParameters<typeof AuthClient>[0]>;

import type { GcpProvider } from "../provider.js";

/** Options of {@link FedkitAuthClient}. @public */
export interface FedkitAuthClientOptions extends Omit<AuthClientOptions, "credentials"> {
  /** Passed to `federation.getCredentials` on every call (signal, correlation id, scheduler). */
  readonly getCredentials?: GetCredentialsOptions;
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

  constructor(federation: Federation, provider: GcpProvider, options: FedkitAuthClientOptions = {}) {
    const { getCredentials, ...authOptions } = options;
    super(authOptions);
    this.#federation = federation;
    this.#provider = provider;
    this.#options = getCredentials;
  }

  async #credentials(): Promise<AccessToken> {
    const creds = await this.#federation.getCredentials<AccessToken>(this.#provider, this.#options);
    // Mirrors the fields google-auth-library's own clients keep, for code that inspects `client.credentials`.
    this.credentials = {
      access_token: creds.token,
      expiry_date: creds.expiresAt,
      token_type: creds.tokenType,
    };
    return creds;
  }

  /** The current access token (fedkit's cache decides when to refresh). */
  override async getAccessToken(): Promise<{ token: string; res: null }> {
    return { token: (await this.#credentials()).token, res: null };
  }

  /** `authorization: Bearer …`, plus `x-goog-user-project` when a quota project is set. */
  override async getRequestHeaders(): Promise<Headers> {
    const creds = await this.#credentials();
    return this.addSharedMetadataHeaders(authorizationHeaders(`${creds.tokenType} ${creds.token}`));
  }

  /** Sends a request with the bearer added (gaxios, like the library's own clients); redirects are refused. */
  override async request<T>(options: gaxios.GaxiosOptions): gaxios.GaxiosPromise<T> {
    const auth = await this.getRequestHeaders();
    const headers = new Headers(options.headers as HeadersInit | undefined);
    for (const [name, value] of auth) headers.set(name, value);
    // gaxios follows redirects by default, and a same-origin hop keeps the bearer: refused unless the caller
    // chose a redirect mode itself.
    return this.transporter.request<T>({ ...options, headers, redirect: options.redirect ?? "error" });
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
