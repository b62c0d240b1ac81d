/**
 * The one error type fedkit throws for anything that goes wrong while obtaining credentials.
 *
 * @packageDocumentation
 */
import { cleanCloudId } from "./util/ids.js";
import { scrub } from "./util/scrub.js";

export { scrub };

/**
 * Every stable error code fedkit uses. Callers `switch (err.code)`; codes are never renamed, only added.
 *
 * - `invalid_subject_token`: the subject token is malformed, its signature does not verify, or the cloud rejected it.
 * - `expired_subject_token`: the subject token's `exp` has passed (or its `nbf` is in the future).
 * - `audience_mismatch`: the token's `aud` is not what the cloud-side trust expects.
 * - `subject_mismatch`: the token's `sub` (or another claim) is not allowed by the cloud-side trust.
 * - `issuer_untrusted`: the token's `iss` is unknown to the cloud or not allowed locally.
 * - `access_denied`: the cloud refused the exchange or the request for another reason of authorisation.
 * - `throttled`: the cloud asked us to slow down (HTTP 429, `Throttling`), and retries ran out.
 * - `timeout`: an attempt or the overall deadline ran out.
 * - `network`: the request never got an HTTP answer (DNS, TCP, TLS, reset), and retries ran out.
 * - `provider_unavailable`: the cloud answered 5xx (or marked itself unavailable), and retries ran out.
 * - `bad_response`: the cloud answered something fedkit cannot parse, too large, or a redirect.
 * - `config`: fedkit was configured wrongly (missing region, malformed ARN, bad key set, ...).
 * - `policy_refused`: a local guardrail refused the request (an unmapped target, a value that would widen a policy).
 * - `endpoint_refused`: a token would have gone to a host outside the cloud's official set without an opt-in.
 * - `invalid_request`: the cloud rejected a parameter fedkit sent (scope, duration, policy document, ...).
 * - `aborted`: the caller's `AbortSignal` fired.
 *
 * @public
 */
export type FederationErrorCode =
  | "invalid_subject_token"
  | "expired_subject_token"
  | "audience_mismatch"
  | "subject_mismatch"
  | "issuer_untrusted"
  | "access_denied"
  | "throttled"
  | "timeout"
  | "network"
  | "provider_unavailable"
  | "bad_response"
  | "config"
  | "policy_refused"
  | "endpoint_refused"
  | "invalid_request"
  | "aborted";

/** All codes, for exhaustive checks and docs. @public */
export const FEDERATION_ERROR_CODES: readonly FederationErrorCode[] = [
  "invalid_subject_token",
  "expired_subject_token",
  "audience_mismatch",
  "subject_mismatch",
  "issuer_untrusted",
  "access_denied",
  "throttled",
  "timeout",
  "network",
  "provider_unavailable",
  "bad_response",
  "config",
  "policy_refused",
  "endpoint_refused",
  "invalid_request",
  "aborted",
];

/**
 * The presented identity, as far as it is safe to show: claims only, never the token.
 * @public
 */
export interface SubjectSummary {
  readonly iss?: string;
  readonly sub?: string;
  readonly aud?: string | readonly string[];
}

/** Fields of a {@link FederationError} besides its code and message. @public */
export interface FederationErrorDetails {
  /** Which cloud or component raised it: `aws`, `gcp`, `azure`, `core`, `netlify`, ... */
  readonly provider?: string;
  /** HTTP status of the cloud's answer, when there was one. */
  readonly status?: number;
  /** The cloud's own error code (`InvalidIdentityToken`, `invalid_grant`, `AADSTS70021`, ...). */
  readonly cloudCode?: string;
  /** The cloud's own message, with anything token-shaped removed. */
  readonly cloudMessage?: string;
  /**
   * Request id the cloud returned (`x-amzn-RequestId`, Entra's `correlation_id`, ...). Kept only when it looks
   * like an id (at most 128 characters of `[A-Za-z0-9._:-]`, nothing token-shaped); otherwise `"[redacted]"`.
   */
  readonly requestId?: string;
  /** Trace id for support tickets (Entra's `trace_id`, Google's `x-goog-request-id`, ...). Cleaned like `requestId`. */
  readonly traceId?: string;
  /** What to change to fix it, in one or two sentences. */
  readonly hint?: string;
  /** The claims fedkit presented, so the hint can be compared with the cloud-side trust. */
  readonly subject?: SubjectSummary;
  /** Whether trying again later may succeed. Terminal errors (bad token, denied) are `false`. */
  readonly retryable?: boolean;
  /** The number of attempts that were made. */
  readonly attempts?: number;
  /** The underlying error. Never carries a secret: fedkit wraps only its own or transport errors. */
  readonly cause?: unknown;
}

/**
 * The fields `toJSON` copies when set, in this order (`name`, `code`, `message` and `retryable` always are);
 * `locationHost` and `region` are a `RedirectRefusedError`'s (listed here rather than in an override of its own).
 */
const JSON_FIELDS =
  "name code message provider status cloudCode cloudMessage requestId traceId hint subject attempts locationHost region retryable".split(
    " ",
  );

/** Cloud error codes are short identifiers; a longer one is cut (after scrubbing) so it cannot carry a payload. */
const MAX_CLOUD_CODE_LENGTH = 128;

/**
 * The error fedkit throws. It names what went wrong (`code`), where (`provider`, `status`, `cloudCode`,
 * `requestId`) and how to fix it (`hint`); it never contains a token, a secret or a session token.
 *
 * @example
 * ```ts
 * try {
 *   await federation.getCredentials(aws);
 * } catch (err) {
 *   if (err instanceof FederationError && err.code === "audience_mismatch") console.error(err.hint);
 *   throw err;
 * }
 * ```
 * @public
 */
export class FederationError extends Error {
  override readonly name = "FederationError";
  // `declare`: the constructor assigns every field, so no field initialisers need emitting (bundle size).
  declare readonly code: FederationErrorCode;
  declare readonly provider: string | undefined;
  declare readonly status: number | undefined;
  declare readonly cloudCode: string | undefined;
  declare readonly cloudMessage: string | undefined;
  declare readonly requestId: string | undefined;
  declare readonly traceId: string | undefined;
  declare readonly hint: string | undefined;
  declare readonly subject: SubjectSummary | undefined;
  declare readonly retryable: boolean;
  declare readonly attempts: number | undefined;

  constructor(code: FederationErrorCode, message: string, details: FederationErrorDetails = {}) {
    const { cause, cloudCode, cloudMessage, hint } = details;
    super(scrub(message), cause === undefined ? undefined : { cause });
    this.code = code;
    this.provider = details.provider;
    this.status = details.status;
    this.cloudCode = cloudCode && scrub(cloudCode).slice(0, MAX_CLOUD_CODE_LENGTH);
    this.cloudMessage = cloudMessage && scrub(cloudMessage);
    // Ids are cloud-supplied text too: a hostile endpoint could echo a bearer through them.
    this.requestId = cleanCloudId(details.requestId);
    this.traceId = cleanCloudId(details.traceId);
    this.hint = hint && scrub(hint);
    this.subject = details.subject;
    this.retryable = details.retryable ?? false;
    this.attempts = details.attempts;
  }

  /** A plain object safe to log or return to a client: no token, no secret, no stack. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const fields = this as unknown as Record<string, unknown>;
    for (const field of JSON_FIELDS) if (fields[field] !== undefined) out[field] = fields[field];
    return out;
  }
}

/**
 * A {@link FederationError} from `provider` with a fix `hint`: the internal shorthand of the many errors fedkit
 * raises, so the bundle carries the details object's shape once.
 * @internal
 */
export function fail(
  code: FederationErrorCode,
  message: string,
  provider: string,
  hint?: string,
  details?: FederationErrorDetails,
): FederationError {
  return new FederationError(code, message, { provider, hint, ...details });
}

/**
 * Narrows an unknown thrown value to a {@link FederationError}, optionally of given codes.
 *
 * @example
 * ```ts
 * declare function retryLater(): void; // your code
 * if (isFederationError(err, "throttled", "timeout")) retryLater();
 * ```
 * @public
 */
export function isFederationError(value: unknown, ...codes: FederationErrorCode[]): value is FederationError {
  return value instanceof FederationError && (codes.length === 0 || codes.includes(value.code));
}

/**
 * A source had no token at all (unset variable, no `Authorization` header, missing file), as opposed to a
 * token that is present but bad. `chainSources` falls through to the next source only on this error: a
 * present-but-invalid token never falls back to a more privileged source.
 *
 * @example
 * ```ts
 * throw new MissingSubjectTokenError("env:OIDC_TOKEN", "OIDC_TOKEN is not set.");
 * ```
 * @public
 */
export class MissingSubjectTokenError extends FederationError {
  /** The source that had no token. */
  readonly source: string;
  /** Always true: a chain may try its next source. */
  readonly tryNextSource = true;

  constructor(source: string, message: string, details: FederationErrorDetails = {}) {
    super("invalid_subject_token", message, { provider: "core", ...details });
    this.source = source;
  }
}
