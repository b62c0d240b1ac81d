/**
 * Everything the CLI takes from the site issuer, in one module: the issuer is moving out of `@fedkit/netlify`
 * into its own package, and only these lines need to follow it.
 */
export {
  AWS_TAGS_CLAIM,
  createSiteIssuer,
  type FedkitConfig,
  generateIssuerKeys,
  ISSUER_CACHE_SECONDS,
  type IssuerAlgorithm,
  type IssuerKeyDocument,
  type IssuerKeyEntry,
  importIssuerKeySet,
  issuerUrl,
  MAX_TOKEN_LIFETIME_SECONDS,
  type PublicJwk,
  promoteNextKey,
  stageNextKey,
  subjectFor,
  toPublicJwk,
  trustPolicyFor,
} from "@fedkit/netlify";
