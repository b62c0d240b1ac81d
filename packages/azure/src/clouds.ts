/**
 * Microsoft's national clouds: their authority hosts and the audience Entra expects on federated assertions.
 *
 * @packageDocumentation
 */

/**
 * The authority hosts of Microsoft's clouds, as `@azure/identity`'s `AzureAuthorityHosts` names them.
 *
 * @example
 * ```ts
 * azureProvider({ authorityHost: AZURE_AUTHORITY_HOSTS.AzureGovernment, scope: "https://storage.azure.com/.default" });
 * ```
 * @public
 */
export const AZURE_AUTHORITY_HOSTS = {
  AzurePublicCloud: "https://login.microsoftonline.com",
  AzureChina: "https://login.chinacloudapi.cn",
  AzureGovernment: "https://login.microsoftonline.us",
} as const;

/** The default authority host: the public cloud. @public */
export const DEFAULT_AUTHORITY_HOST = "https://login.microsoftonline.com";

/** The audience Entra expects in a federated assertion for the public cloud. @public */
export const DEFAULT_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/**
 * The audience Entra's portal suggests for a federated identity credential in the cloud of `authorityHost`:
 * `api://AzureADTokenExchange` in the public cloud (and for any custom host), the China and US Government
 * variants in those clouds.
 *
 * @example
 * ```ts
 * exchangeAudienceFor("https://login.chinacloudapi.cn"); // "api://AzureADTokenExchangeChina"
 * ```
 * @public
 */
export function exchangeAudienceFor(authorityHost: string): string {
  // Microsoft's China authorities end in .cn, the US Government ones in .us or usgovcloudapi.net.
  const host = URL.canParse(authorityHost) ? new URL(authorityHost).hostname : "";
  const suffix = /\.cn$/i.test(host) ? "China" : /(\.us|usgovcloudapi\.net)$/i.test(host) ? "USGov" : "";
  return DEFAULT_EXCHANGE_AUDIENCE + suffix;
}

/** Azure Storage hosts and resource ids: their bearer calls need `x-ms-version`. */
const STORAGE_HOST = /\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net)$/i;
const STORAGE_RESOURCE = /^(https:\/\/storage\.azure\.com|e406a681-f3d4-42a8-90b6-c2b029497af1)\/*$/i;

/** Whether a request to `host` with a token for `resource` is an Azure Storage call. @internal */
export function isStorageCall(host: string, resource: string): boolean {
  return STORAGE_HOST.test(host) || STORAGE_RESOURCE.test(resource);
}
