/**
 * The interfaces every fedkit package shares, one import away: subject tokens and their sources
 * (`types/tokens.ts`), providers and credentials (`types/provider.ts`), the credential cache (`types/cache.ts`), the
 * audit trail (`types/audit.ts`) and the injected runtime (`types/runtime.ts`).
 *
 * @packageDocumentation
 */

export type { AuditEvent, AuditEventType, AuditSink, AuditTarget, CacheOutcome } from "./types/audit.js";
export type { CacheCoordination, CacheEntry, CacheLease, CredentialCache } from "./types/cache.js";
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
} from "./types/provider.js";
export type { Clock, FetchLike, MaybePromise, RandomSource, Scheduler } from "./types/runtime.js";
export type {
  SubjectToken,
  SubjectTokenSource,
  TokenClaims,
  TokenRequest,
  TokenTrust,
} from "./types/tokens.js";
