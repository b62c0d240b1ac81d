/**
 * `@fedkit/azure`: Microsoft Entra workload identity federation for the edge. A subject token becomes an Entra
 * access token in one request, usable through an authorised `fetch` or as an Azure SDK `TokenCredential`.
 *
 * @packageDocumentation
 */

export type { EnvGetter, EnvInput } from "@fedkit/core/provider";
export {
  AZURE_AUTHORITY_HOSTS,
  AZURE_CUSTOMER_HOSTS,
  AZURE_HOSTS_BY_CLOUD,
  AZURE_TOKEN_HOSTS,
  azureTokenHosts,
  DEFAULT_AUTHORITY_HOST,
  DEFAULT_EXCHANGE_AUDIENCE,
  ENTRA_AUTHORITY_HOSTS,
  exchangeAudienceFor,
} from "./clouds.js";
export type {
  AbortSignalLike,
  AzureAccessTokenLike,
  GetTokenOptionsLike,
  ProviderForScope,
  TokenCredentialLike,
} from "./credential.js";
export { tokenCredential } from "./credential.js";
export type { EntraError } from "./entra-error.js";
export { parseEntraError } from "./entra-error.js";
export type { AzureFetchOptions, FetchFn } from "./fetch.js";
export { azureFetch } from "./fetch.js";
export type { AzureProviderOptions } from "./options.js";
export type { AzureProvider } from "./provider.js";
export { azureProvider, JWT_BEARER_ASSERTION_TYPE } from "./provider.js";
export type {
  AzureFederatedCredentialOptions,
  AzureTrustConfig,
  FederatedIdentityCredential,
} from "./trust.js";
export { azureFederatedCredential } from "./trust.js";
