/**
 * `@fedkit/issuer`: a platform-neutral OIDC issuer for edge functions. Per-context key sets with a rotation
 * lifecycle, a minter behind a pluggable signer, the subject grammar, and a web-standard `fetch` handler for
 * discovery and JWKS. Platform adapters (`@fedkit/netlify`) read their platform's context and env and call it.
 *
 * @packageDocumentation
 */

export { discoveryDocument, jwksDocument, SUPPORTED_CLAIMS } from "./documents.js";
export { ISSUER_PROVIDER, IssuerKeyContextError } from "./errors.js";
export {
  type GeneratedIssuerKeys,
  type GenerateIssuerKeysOptions,
  generateIssuerKeys,
  promoteNextKey,
  stageNextKey,
} from "./generate.js";
export {
  type IssuerHandlerOptions,
  issuerHandler,
  type PublishedKeysInput,
  publishedKeys,
} from "./handler.js";
export { issuerHostPath, issuerUrl } from "./issuer-url.js";
export {
  ISSUER_ALGORITHMS,
  type IssuerAlgorithm,
  type IssuerKeyDocument,
  type IssuerKeyEntry,
  type IssuerKeySet,
  importIssuerKeySet,
  type PublicJwk,
  toPublicJwk,
} from "./keyset.js";
export {
  MIN_PUBLISHED_SECONDS,
  type PromoteKeyOptions,
  promoteKey,
  type RevokedKey,
  retireKey,
  revokeKey,
  type StageKeyOptions,
  stageKey,
} from "./lifecycle.js";
export { KeyLifecycleError, type KeyLifecycleErrorCode } from "./lifecycle-errors.js";
export { type KeySetStatus, keySetStatus, validateKeyDocument } from "./lifecycle-status.js";
export { ISSUER_CACHE_SECONDS, MAX_TOKEN_LIFETIME_SECONDS, NOT_BEFORE_SKEW_SECONDS } from "./limits.js";
export { createSiteIssuer, type MintRequest, type SiteIssuer, type SiteIssuerOptions } from "./mint.js";
export { type IssuerSigner, webCryptoSigner } from "./signer.js";
export { type SiteIssuerSourceOptions, siteIssuerSource } from "./source.js";
export {
  MAX_SUBJECT_BYTES,
  type SubjectForm,
  type SubjectParts,
  subjectFor,
  userSubject,
  userSubjectPattern,
} from "./subject.js";
