/**
 * Emulated Microsoft Entra: config types, the service, and test access to its directory.
 *
 * @packageDocumentation
 */
export type { AzureAppConfig, AzureConfig, FederatedCredentialConfig } from "./config.js";
export { DEFAULT_TENANT_ID } from "./config.js";
export { entraService, entraState } from "./service.js";
export type { EntraApp, EntraState, FederatedCredential } from "./state.js";
