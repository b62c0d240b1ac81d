/**
 * `@fedkit/gcp`: Google Cloud Workload Identity Federation for fedkit. Edge-safe: WebCrypto and `fetch` only.
 *
 * @packageDocumentation
 */

export { GCP_CUSTOMER_HOSTS, GCP_HOSTS, gcpBearerHosts } from "./endpoints.js";
export { type ExternalAccountConfig, fromExternalAccount } from "./external-account.js";
export { type GcpFetchOptions, gcpFetch } from "./fetch.js";
export { gcpIdTokenProvider } from "./id-token.js";
export type { GcpIdTokenProviderOptions, GcpProviderOptions } from "./options.js";
export { checkGcpId, GCP_POOL_ID_SCHEME, gcpPoolId } from "./pool.js";
export {
  checkGcpPool,
  type GcpPoolExpectation,
  type GcpPoolFinding,
  type GcpPoolReport,
} from "./pool-check.js";
export { type GcpProvider, gcpProvider } from "./provider.js";
export {
  CLOUD_PLATFORM_SCOPE,
  DEFAULT_UNIVERSE,
  parseProviderName,
  principalForSubject,
  principalSetForAttribute,
  type WorkloadIdentityProviderName,
  workloadIdentityProvider,
} from "./resource.js";
export { type GcpTrustConfig, type GcpTrustConfigInput, gcpTrustConfig } from "./trust.js";
