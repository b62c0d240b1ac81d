/**
 * `@fedkit/aws`: exchange an OIDC token for temporary AWS credentials (STS `AssumeRoleWithWebIdentity`, one
 * unsigned POST), chain roles, and sign requests with SigV4 (aws4fetch). Edge-safe: WebCrypto and `fetch` only.
 *
 * @packageDocumentation
 */

export { defaultEnv, type EnvGetter, type EnvInput } from "@fedkit/core/provider";
export { type AssumeRoleOptions, assumeRole } from "./assume-role.js";
export type { AwsCredentials } from "./credentials.js";
export {
  type AwsFetch,
  type AwsFetchOptions,
  type AwsRequestInit,
  awsFetch,
  awsFetchMaker,
  type CredentialGetter,
  type CredentialOptions,
  type PresignOptions,
} from "./fetch.js";
export {
  type AwsPartition,
  KNOWN_AWS_REGIONS,
  parseRoleArn,
  partitionOf,
  type RoleArn,
  stsEndpoint,
} from "./partition.js";
export {
  assertPolicyValue,
  assertTag,
  MAX_POLICY_ARNS,
  MAX_SESSION_POLICY_CHARS,
  MAX_SESSION_TAGS,
  type PolicyDocument,
  type SessionPolicyTemplate,
  sessionPolicyTemplate,
} from "./policy.js";
export {
  type AwsProvider,
  type AwsProviderOptions,
  awsProvider,
  type SessionPolicyOption,
} from "./provider.js";
export { type S3ObjectLocation, s3ObjectUrl } from "./s3-object.js";
export { AWS_SERVICE_HOSTS } from "./service-hosts.js";
export { isValidSessionName, type SessionNameOption, sanitizeSessionName } from "./session-name.js";
export { AWS_TAGS_CLAIM, awsSessionTagsClaim } from "./session-tags.js";
export { conditionKeyPrefix } from "./sts-errors.js";
export { AWS_STS_HOSTS, AWS_STS_HOSTS_ANY_PARTITION } from "./sts-hosts.js";
export type { StsTarget } from "./sts-request.js";
export { parseStsError, parseStsResult, type StsError, type StsResult } from "./sts-response.js";
export {
  type AwsWebIdentityTokenOptions,
  type AwsWorkloadCredentials,
  awsWebIdentityToken,
} from "./web-identity-token.js";
