/**
 * `@fedkit/core`: the token-exchange engine shared by every fedkit provider and adapter.
 *
 * Every name is listed (no `export *`), so adding one to the public API is a visible, reviewed change. The main entry
 * holds what an application uses: `createFederation`, token sources, errors and the interfaces an application
 * passes in (`CredentialCache`, `AuditSink`, the injected runtime). The caches fedkit ships and what a cache driver
 * is written against live in `@fedkit/core/cache`; the audit sinks and the audit event in `@fedkit/core/audit`.
 * Everything a provider or adapter author needs (host rules, the exchange context, token checks, policies'
 * resolvers, redaction, byte helpers) lives in `@fedkit/core/provider`; contract suites and the test signer in
 * `@fedkit/core/testing`; Node-only code in `@fedkit/core/node`.
 *
 * @packageDocumentation
 */

export type { RefreshPolicy } from "./engine/policy.js";
export {
  FEDERATION_ERROR_CODES,
  FederationError,
  type FederationErrorCode,
  type FederationErrorDetails,
  isFederationError,
  MissingSubjectTokenError,
  type SubjectSummary,
} from "./errors.js";
export {
  createFederation,
  type Federation,
  type FederationLimits,
  type FederationOptions,
  type GetCredentialsOptions,
} from "./federation.js";
export type { RetryPolicy } from "./retry.js";
export { callbackToken } from "./sources/callback.js";
export { chainSources } from "./sources/chain.js";
export { type EnvTokenOptions, envToken } from "./sources/env.js";
export { requestBearerToken } from "./sources/request.js";
export { staticToken } from "./sources/static.js";
export {
  type JwksSource,
  remoteJwks,
  type VerifyOptions,
  verifySubjectToken,
} from "./sources/verify.js";
export type {
  AccessToken,
  AuditSink,
  AuditTarget,
  Clock,
  CredentialCache,
  Credentials,
  FetchLike,
  MaybePromise,
  Provider,
  RandomSource,
  Scheduler,
  SubjectToken,
  SubjectTokenSource,
  TokenClaims,
  TokenRequest,
  TokenTrust,
} from "./types.js";
