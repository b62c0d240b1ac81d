/**
 * One mapping from a cloud's answer (HTTP status + error body) to a {@link FederationError}. The mechanism is
 * shared; what each cloud's error codes mean stays data in its own package (a table from the cloud's code to a
 * fedkit code and a hint), which the provider looks up and hands in as a {@link CloudRefusal}.
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorCode, type SubjectSummary } from "../errors.js";
import type { HttpResponse } from "../types.js";
import { contentTypeOf, firstHeader } from "./answer.js";

/**
 * What a cloud's error body said, already looked up in that cloud's table.
 * @public
 */
export interface CloudRefusal {
  /** The fedkit code the cloud's table picked for this refusal. */
  readonly code: FederationErrorCode;
  /** What to fix. Never a hint that widens trust (a refused deploy context is supposed to be refused). */
  readonly hint?: string;
  /** Worth retrying later (an outage, a credential still propagating). Default `false`. */
  readonly retryable?: boolean;
  /** The cloud's own error code (`InvalidIdentityToken`, `AADSTS70021`, `invalid_grant`, ...). */
  readonly cloudCode: string;
  /** The cloud's message, as it wrote it (never containing the token: clouds do not echo it). */
  readonly cloudMessage?: string;
  /** A request id from the body; else the first of `requestIdHeaders` is used. */
  readonly requestId?: string;
  readonly traceId?: string;
}

/**
 * A failed answer to map, from one provider's call.
 * @public
 */
export interface CloudFailure {
  /** The provider's `cloud` (`"aws"`, `"gcp"`, `"azure"`, ...). */
  readonly provider: string;
  /** What happened, for people: which call, for what, and what the cloud said. No secret. */
  readonly message: string;
  /**
   * What the cloud's error body said, mapped; `undefined` when the body is not the cloud's error document (a
   * proxy's HTML page, an empty body): the status then decides ({@link outageCode}, else `bad_response`).
   */
  readonly refusal?: CloudRefusal;
  /** Who asked (claims only, never the token). */
  readonly subject?: SubjectSummary;
  /** Headers that carry the cloud's request id, first match wins (`x-amzn-requestid`, `x-goog-request-id`). */
  readonly requestIdHeaders?: readonly string[];
  /** Hints for an answer that is not the cloud's error document: when it is an outage, and when not. */
  readonly unreadableHints?: { readonly unavailable?: string; readonly other?: string };
  readonly cause?: unknown;
}

/**
 * The fedkit code a status means whatever the body says: 429 is `throttled`, 5xx `provider_unavailable` (both
 * worth retrying later, after core's own retries gave up); else `undefined`.
 *
 * @example
 * ```ts
 * import { outageCode } from "@fedkit/core/provider";
 * outageCode(503); // "provider_unavailable"
 * outageCode(400); // undefined
 * ```
 * @public
 */
export function outageCode(status: number): "throttled" | "provider_unavailable" | undefined {
  return status === 429 ? "throttled" : status >= 500 ? "provider_unavailable" : undefined;
}

/**
 * The message for an answer that is not the cloud's error document, saying what arrived instead (never
 * "undefined"): `<operation> answered HTTP 502 (text/html) with a body that is not <expected>`.
 *
 * @example
 * ```ts
 * import { unreadableMessage } from "@fedkit/core/provider";
 * unreadableMessage("sts:AssumeRole", response, "an STS error document");
 * ```
 * @public
 */
export function unreadableMessage(operation: string, response: HttpResponse, expected: string): string {
  const what = response.text.length === 0 ? "an empty body" : `a body that is not ${expected}`;
  return `${operation} answered HTTP ${response.status} (${contentTypeOf(response)}) with ${what}`;
}

/**
 * Maps a failed answer to a {@link FederationError}: the cloud's refusal as its table mapped it, or (when the body
 * is not the cloud's error document) `throttled` / `provider_unavailable` / `bad_response` by status. Fills in
 * what every provider reports: status, attempts, request id, subject, retryable.
 *
 * @example
 * ```ts
 * import { cloudFailure, readJsonObject } from "@fedkit/core/provider";
 * const body = readJsonObject(response.text);
 * const error = typeof body?.["error"] === "string" ? body["error"] : undefined;
 * throw cloudFailure(response, {
 *   provider: "example",
 *   message: `Example refused the token: ${error ?? `HTTP ${response.status}`}`,
 *   ...(error && { refusal: { code: error === "invalid_grant" ? "access_denied" : "invalid_request", cloudCode: error, cloudMessage: "" } }),
 * });
 * ```
 * @public
 */
export function cloudFailure(response: HttpResponse, failure: CloudFailure): FederationError {
  const { refusal } = failure;
  const outage = outageCode(response.status);
  // FederationError leaves out what is undefined (its toJSON too), so every field is passed as it is.
  return new FederationError(refusal?.code ?? outage ?? "bad_response", failure.message, {
    // The refusal's cloudCode, cloudMessage and traceId as they are (the constructor reads only its own fields).
    ...refusal,
    provider: failure.provider,
    status: response.status,
    attempts: response.attempts,
    // FederationError takes an undefined retryable as false.
    retryable: refusal ? refusal.retryable : outage !== undefined,
    subject: failure.subject,
    requestId: refusal?.requestId ?? firstHeader(response.headers, failure.requestIdHeaders ?? []),
    hint: refusal
      ? refusal.hint
      : outage
        ? failure.unreadableHints?.unavailable
        : failure.unreadableHints?.other,
    cause: failure.cause,
  });
}
