/**
 * Everything the CLI takes from the site issuer and the Netlify adapter, in one module, so a move of either
 * touches only these lines.
 */
export { AWS_TAGS_CLAIM } from "@fedkit/aws";
export {
  createSiteIssuer,
  generateIssuerKeys,
  ISSUER_ALGORITHMS,
  ISSUER_CACHE_SECONDS,
  type IssuerAlgorithm,
  type IssuerKeyDocument,
  type IssuerKeyEntry,
  importIssuerKeySet,
  issuerUrl,
  KeyLifecycleError,
  keySetStatus,
  MAX_TOKEN_LIFETIME_SECONDS,
  type PublicJwk,
  promoteKey as promoteIssuerKey,
  retireKey as retireIssuerKey,
  revokeKey as revokeIssuerKey,
  stageKey as stageIssuerKey,
  subjectFor,
  toPublicJwk,
  validateKeyDocument,
} from "@fedkit/issuer";
export type { FedkitConfig } from "@fedkit/netlify";
export { serveLocalSite } from "@fedkit/netlify/node";
export { trustPolicyFor } from "@fedkit/netlify/trust";
