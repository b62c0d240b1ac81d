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
export const DEFAULT_AUTHORITY_HOST: string = AZURE_AUTHORITY_HOSTS.AzurePublicCloud;

/** The audience Entra expects in a federated assertion for the public cloud. @public */
export const DEFAULT_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

const NATIONAL_AUDIENCES: Readonly<Record<string, string>> = {
  "login.chinacloudapi.cn": "api://AzureADTokenExchangeChina",
  "login.partner.microsoftonline.cn": "api://AzureADTokenExchangeChina",
  "login.microsoftonline.us": "api://AzureADTokenExchangeUSGov",
  "login.usgovcloudapi.net": "api://AzureADTokenExchangeUSGov",
};

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
  let host: string;
  try {
    host = new URL(authorityHost).hostname.toLowerCase();
  } catch {
    return DEFAULT_EXCHANGE_AUDIENCE;
  }
  return NATIONAL_AUDIENCES[host] ?? DEFAULT_EXCHANGE_AUDIENCE;
}

/** Storage resource ids whose requests need `x-ms-version` (Azure Storage rejects bearer calls without it). */
const STORAGE_RESOURCES = ["https://storage.azure.com", "e406a681-f3d4-42a8-90b6-c2b029497af1"];
const STORAGE_HOST =
  /\.(?:blob|dfs|file|queue|table)\.(?:core\.windows\.net|core\.chinacloudapi\.cn|core\.usgovcloudapi\.net)$/i;

/** Whether a request to `host` with a token for `resource` is an Azure Storage call. @internal */
export function isStorageCall(host: string, resource: string): boolean {
  return STORAGE_HOST.test(host) || STORAGE_RESOURCES.includes(resource.replace(/\/+$/, "").toLowerCase());
}
