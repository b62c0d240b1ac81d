/**
 * `@fedkit/netlify`: the site as its own per-deploy-context OIDC issuer, edge-function and function wrappers
 * that hand handlers ready cloud clients, and role mappings as guardrails. The cloud plugins are opt-in subpaths
 * (`@fedkit/netlify/aws`, `/gcp`, `/azure`) named in the config's `clouds`, so a function bundles only the clouds it
 * uses; trust-policy generation is `@fedkit/netlify/trust`, which no edge function needs.
 *
 * @packageDocumentation
 */

// The issuer moved to `@fedkit/issuer`; these are the names users imported from `@fedkit/netlify` before.
export {
  createSiteIssuer,
  discoveryDocument,
  type GeneratedIssuerKeys,
  type GenerateIssuerKeysOptions,
  generateIssuerKeys,
  type IssuerAlgorithm,
  IssuerKeyContextError,
  type IssuerKeyDocument,
  type IssuerKeyEntry,
  type IssuerKeySet,
  importIssuerKeySet,
  issuerHostPath,
  issuerUrl,
  jwksDocument,
  MAX_SUBJECT_BYTES,
  MAX_TOKEN_LIFETIME_SECONDS,
  type MintRequest,
  NOT_BEFORE_SKEW_SECONDS,
  type PublicJwk,
  promoteNextKey,
  type SiteIssuer,
  type SiteIssuerOptions,
  type SiteIssuerSourceOptions,
  SUPPORTED_CLAIMS,
  type SubjectForm,
  type SubjectParts,
  siteIssuerSource,
  stageNextKey,
  subjectFor,
  toPublicJwk,
  userSubject,
  userSubjectPattern,
} from "@fedkit/issuer";
export { type FedkitHandler, type FunctionConfig, withFedkit } from "./adapter.js";
export type {
  BoundCredentials,
  CloudPlugin,
  DeployScope,
  MintInput,
  ProviderInput,
  TargetScope,
  TrustInput,
} from "./clouds/types.js";
export type {
  FedkitConfig,
  RuntimeOptions,
  TargetConfig,
  TargetGrant,
  UserIdpOptions,
  UserVerifier,
  VerifiedUser,
} from "./config.js";
export { type NetlifyContext, platformEnv } from "./platform.js";
export { errorResponse } from "./response.js";
export { ISSUER_CACHE_SECONDS, issuerRoutes } from "./routes.js";
export { type Fedkit, fedkitFor, type PlatformRequest } from "./runtime.js";
export { userIdp } from "./user.js";
export {
  CLIENT_CREDENTIALS_MAX_RESPONSE_BYTES,
  CLIENT_CREDENTIALS_TIMEOUT_MS,
  type ClientCredentialsOptions,
  clientCredentialsSource,
} from "./workload.js";
