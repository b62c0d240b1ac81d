/**
 * `@fedkit/core/provider`: the toolkit a provider is built from. A provider supplies only what is specific to its
 * service — its host table, its request, its credential shape, its error table — and takes the rest from here:
 *
 * - the one environment reader ({@link defaultEnv}, {@link toEnvGetter});
 * - the host rule mechanism ({@link checkEndpoint}, {@link hostMatches}) and, after the exchange, the one
 *   {@link authorizedFetch} that attaches credentials only on allowed hosts;
 * - one mapping from a failed answer to a `FederationError` ({@link cloudFailure}, {@link outageCode});
 * - the small steps every provider repeats ({@link formBody}, {@link readJsonObject}, {@link expiresAtFromLifetime},
 *   {@link summarizeSubject}, clock-skew hints);
 * - byte and hash helpers ({@link base64url}, {@link utf8}, {@link toHex}, {@link sha256Hex}, the synchronous
 *   {@link sha256} and {@link hmacSha256} for short inputs) and the default
 *   randomness, kept off the main entry so that application code sees only what it uses;
 * - and, in `@fedkit/core/testing`, the provider contract suite (`testProvider`) every provider runs.
 *
 * `docs/architecture.md` ("Writing a provider") builds a complete provider on it.
 *
 * @packageDocumentation
 */
export {
  type Authorize,
  type AuthorizeContext,
  type AuthorizedFetch,
  type AuthorizedFetchOptions,
  type AuthorizedSender,
  authorizedFetch,
  authorizedSender,
} from "../authorized-fetch.js";
export { clockSkewHint, measureClockSkew } from "../clock-skew.js";
export { checkEndpoint, endpointRefusal, hostMatches, isLoopbackOrigin } from "../endpoints.js";
export { deriveCacheKey } from "../engine/keys.js";
export { DEFAULT_REFRESH_POLICY, resolveRefreshPolicy } from "../engine/policy.js";
export { redactResponse } from "../engine/redact.js";
export { FederationError, type FederationErrorCode, type SubjectSummary, scrub } from "../errors.js";
export { type CountingExchangeContext, createExchangeContext, type ExchangeContextOptions } from "../http.js";
export { DEFAULT_RETRY_POLICY, resolveRetryPolicy } from "../retry.js";
export { MAX_JWKS_BYTES } from "../sources/verify.js";
export {
  checkTokenAudience,
  checkTokenTimes,
  DEFAULT_CLOCK_SKEW_SECONDS,
  decodeSubjectToken,
  MAX_SUBJECT_TOKEN_LENGTH,
  summarizeSubject,
} from "../tokens.js";
export { type RedirectDetails, RedirectRefusedError } from "../transport.js";
export type {
  AccessToken,
  Credentials,
  EndpointRule,
  ExchangeContext,
  ExchangeResult,
  HostPattern,
  HttpRequest,
  HttpResponse,
  Provider,
  SubjectToken,
} from "../types.js";
export { base64url, base64urlDecode, sha256Hex, toHex, utf8 } from "../util/encoding.js";
export { memoPerArray } from "../util/per-array.js";
export { defaultRandom } from "../util/random.js";
export { expiresAtFromLifetime, firstHeader, formBody, readJsonObject } from "./answer.js";
export { defaultEnv, type EnvGetter, type EnvInput, type EnvRecord, toEnvGetter } from "./env.js";
export {
  type CloudFailure,
  type CloudRefusal,
  cloudFailure,
  outageCode,
  unreadableMessage,
} from "./failure.js";
export { hmacSha256, sha256 } from "./sha256.js";
