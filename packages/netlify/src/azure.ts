/**
 * `@fedkit/netlify/azure`: the Azure plugin. Name it in the config's `clouds` so only functions of sites that
 * use Azure ship the Entra exchange and the bearer fetch.
 *
 * @example
 * ```ts
 * import { azureCloud } from "@fedkit/netlify/azure";
 *
 * export default {
 *   siteId: "5b0c2a71-...",
 *   siteUrl: "https://reports.example.com",
 *   clouds: { azure: azureCloud },
 *   targets: { blobs: { cloud: "azure", clientId: "97e0a5b7-...", tenantId: "72f988bf-..." } },
 *   functions: { blob: { blobs: {} } },
 * } satisfies FedkitConfig;
 * ```
 *
 * @packageDocumentation
 */

export type { FetchFn as AzureFetch } from "@fedkit/azure";
export {
  type AzureTargetConfig,
  azureCloud,
} from "./clouds/azure.js";
