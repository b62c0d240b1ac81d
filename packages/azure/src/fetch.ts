/**
 * An authorised `fetch` for Azure resources on the edge: adds the bearer token, and only for Microsoft hosts.
 *
 * @packageDocumentation
 */

import type { AccessToken, Federation, GetCredentialsOptions, Provider } from "@fedkit/core";
import { AZURE_RESOURCE_HOSTS, checkEndpoint } from "@fedkit/core";
import { isStorageCall } from "./clouds.js";

/** The `fetch` {@link azureFetch} returns and accepts. @public */
export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link azureFetch}. @public */
export interface AzureFetchOptions extends Omit<GetCredentialsOptions, "signal"> {
  /** The fetch that sends the request. Default: `globalThis.fetch`, looked up at call time. */
  readonly fetch?: FetchFn;
  /**
   * Origins outside Microsoft's resource hosts that may receive the bearer token (Azurite on loopback:
   * `https://127.0.0.1:10000`). Exact origins only.
   */
  readonly allowedOrigins?: readonly string[];
  /** `x-ms-version` for Azure Storage calls that do not set one. Default `2025-01-05`. */
  readonly storageVersion?: string;
  /** Clock for `x-ms-date`, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Returns a `fetch` that sends an Entra access token from `provider` to Azure resources. The token goes only to
 * Microsoft's resource hosts over https (or to origins opted into with `allowedOrigins`); redirects are refused
 * unless the caller sets `redirect`. Azure Storage calls get `x-ms-version` and `x-ms-date` when absent.
 *
 * @example
 * ```ts
 * const blobFetch = azureFetch(federation, azureProvider({ scope: "https://storage.azure.com/.default" }));
 * const res = await blobFetch("https://account.blob.core.windows.net/private/hello.txt");
 * ```
 * @public
 */
export function azureFetch(
  federation: Pick<Federation, "getCredentials">,
  provider: Provider<AccessToken>,
  options: AzureFetchOptions = {},
): FetchFn {
  const {
    fetch: fetchImpl,
    allowedOrigins,
    storageVersion = "2025-01-05",
    now = Date.now,
    ...getOptions
  } = options;
  const rule = {
    cloud: "azure",
    officialHosts: AZURE_RESOURCE_HOSTS,
    ...(allowedOrigins === undefined ? {} : { allowedOrigins }),
  };
  const resource = (provider as { resource?: string }).resource ?? "";
  return async (input, init) => {
    const request = new Request(input, init);
    const url = checkEndpoint(request.url, rule);
    const credentials = await federation.getCredentials(provider, { ...getOptions, signal: request.signal });
    const headers = new Headers(request.headers);
    headers.set("authorization", `${credentials.tokenType || "Bearer"} ${credentials.token}`);
    if (isStorageCall(url.hostname, resource)) {
      if (!headers.has("x-ms-version")) headers.set("x-ms-version", storageVersion);
      if (!headers.has("x-ms-date")) headers.set("x-ms-date", new Date(now()).toUTCString());
    }
    const redirect = init?.redirect ?? (input instanceof Request ? input.redirect : "error");
    const send = fetchImpl ?? globalThis.fetch;
    return send(new Request(request, { headers, redirect }));
  };
}
