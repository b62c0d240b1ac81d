/**
 * An authorised `fetch` for Azure resources on the edge: core's `authorizedFetch` with an Entra bearer token,
 * sent only to the hosts of the service the token is for.
 *
 * @packageDocumentation
 */

import type { AccessToken, Federation, GetCredentialsOptions, Provider } from "@fedkit/core";
import { authorizedFetch, hostMatches } from "@fedkit/core/provider";
import { AZURE_CUSTOMER_HOSTS, AZURE_TOKEN_HOSTS, azureTokenHosts } from "./clouds.js";

/** The `fetch` {@link azureFetch} returns and accepts. @public */
export type FetchFn = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link azureFetch}. @public */
export interface AzureFetchOptions extends Omit<GetCredentialsOptions, "signal"> {
  /** The fetch that sends the request. Default: `globalThis.fetch`, looked up at call time. */
  readonly fetch?: FetchFn;
  /**
   * Origins outside the token's service hosts that may receive the bearer token (Azurite on loopback:
   * `https://127.0.0.1:10000`, a Service Bus namespace). Exact origins only.
   */
  readonly allowedOrigins?: readonly string[];
  /** `x-ms-version` for Azure Storage calls that do not set one. Default `2025-01-05`. */
  readonly storageVersion?: string;
  /** Clock for `x-ms-date`, ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** Milliseconds until the answer's headers must arrive. Default 30 000. */
  readonly timeoutMs?: number;
}

/** The token's resource: `provider.resource`, else its scope without `/.default`. */
function resourceOf(provider: Provider<AccessToken>): string {
  const { resource, scope } = provider as { resource?: unknown; scope?: unknown };
  if (typeof resource === "string") return resource;
  return typeof scope === "string" ? scope.replace(/\/\.default$/, "") : "";
}

/**
 * Returns a `fetch` that sends an Entra access token from `provider` to the hosts of the service the token is
 * for ({@link azureTokenHosts}: a storage token to storage accounts, a Key Vault token to vaults, an ARM token to
 * `management.azure.com`, in every Microsoft cloud), over https, never to a customer-controlled name
 * ({@link AZURE_CUSTOMER_HOSTS}), never through a redirect; other origins only through `allowedOrigins`.
 * Azure Storage calls get `x-ms-version` and `x-ms-date` when absent.
 *
 * @example
 * ```ts
 * const blobFetch = azureFetch(federation, azureProvider({ clientId, tenantId, scope: "https://storage.azure.com/.default" }));
 * const res = await blobFetch("https://account.blob.core.windows.net/private/hello.txt");
 * ```
 * @throws FederationError `endpoint_refused` before a token is asked for; see `authorizedFetch` for the rest.
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
    timeoutMs,
    ...getOptions
  } = options;
  const resource = resourceOf(provider);
  const officialHosts = azureTokenHosts(resource);
  // An Azure Storage token (its hosts are storage's): storage calls need `x-ms-version`.
  const storage = officialHosts === AZURE_TOKEN_HOSTS["https://storage.azure.com"];
  const send = authorizedFetch({
    cloud: "azure",
    officialHosts,
    // The token's own resource host is its audience: sending it there is the point, whoever runs it.
    refuse: (url) =>
      officialHosts.includes(url.hostname) ||
      !AZURE_CUSTOMER_HOSTS.some((pattern) => hostMatches(url.hostname.replace(/\.$/, ""), pattern))
        ? undefined
        : "customers run their own code behind this name",
    // authorizedFetch reads an undefined option as absent (its default).
    allowedOrigins,
    // Called as a plain function with the one authorized Request (an unbound global fetch works).
    fetch: fetchImpl,
    timeoutMs,
    optInHint: `A ${resource || "token"} token goes only to its service; opt others in with allowedOrigins.`,
    // The request is authorizedFetch's own copy (never the caller's Request): its headers are set in place.
    async authorize(request, { signal }) {
      const credentials = await federation.getCredentials(provider, { ...getOptions, signal });
      const { headers } = request;
      headers.set("authorization", `${credentials.tokenType || "Bearer"} ${credentials.token}`);
      if (storage) {
        if (!headers.has("x-ms-version")) headers.set("x-ms-version", storageVersion);
        if (!headers.has("x-ms-date")) headers.set("x-ms-date", new Date(now()).toUTCString());
      }
      return request;
    },
  });
  return (input, init) => send(input, init);
}
