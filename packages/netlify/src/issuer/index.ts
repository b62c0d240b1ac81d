export { discoveryDocument, jwksDocument, SUPPORTED_CLAIMS } from "./documents.js";
export { IssuerKeyContextError } from "./errors.js";
export {
  type GeneratedIssuerKeys,
  type GenerateIssuerKeysOptions,
  generateIssuerKeys,
  promoteNextKey,
  stageNextKey,
  toPublicJwk,
} from "./generate.js";
export { issuerHostPath, issuerUrl } from "./issuer-url.js";
export {
  type IssuerAlgorithm,
  type IssuerKeyDocument,
  type IssuerKeyEntry,
  type IssuerKeySet,
  importIssuerKeySet,
  type PublicJwk,
} from "./keyset.js";
export {
  AWS_TAGS_CLAIM,
  createSiteIssuer,
  MAX_TOKEN_LIFETIME_SECONDS,
  type MintRequest,
  NOT_BEFORE_SKEW_SECONDS,
  type SiteIssuer,
  type SiteIssuerOptions,
} from "./mint.js";
export { type SiteIssuerSourceOptions, siteIssuerSource } from "./source.js";
export {
  MAX_SUBJECT_BYTES,
  type SubjectForm,
  type SubjectParts,
  subjectFor,
  userSubject,
  userSubjectPattern,
} from "./subject.js";
