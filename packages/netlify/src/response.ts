import { FederationError, type FederationErrorCode } from "@fedkit/core";

const STATUS: Partial<Record<FederationErrorCode, number>> = {
  invalid_subject_token: 401,
  expired_subject_token: 401,
  policy_refused: 403,
  access_denied: 403,
  subject_mismatch: 403,
  audience_mismatch: 403,
  issuer_untrusted: 403,
  throttled: 503,
  provider_unavailable: 503,
  timeout: 504,
  config: 500,
  aborted: 499,
};

/**
 * Turns any error thrown in a wrapped handler into a JSON response that is safe to send to a browser: the
 * stable code, an HTTP status and the request id; the hint only when `exposeDetails` is set. Never a token or
 * a secret. Errors that are not `FederationError`s become `internal` with status 500.
 *
 * @example
 * ```ts
 * try { ... } catch (err) { return errorResponse(err, context.requestId); }
 * ```
 * @public
 */
export function errorResponse(error: unknown, requestId: string, exposeDetails = false): Response {
  const federation = error instanceof FederationError;
  const code = federation ? error.code : "internal";
  const status = federation ? (STATUS[error.code] ?? 502) : 500;
  const body: Record<string, unknown> = { error: { code, requestId } };
  if (federation && exposeDetails) {
    Object.assign(body["error"] as object, {
      message: error.message,
      ...(error.hint ? { hint: error.hint } : {}),
    });
  }
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
  if (federation && error.code === "throttled") headers.set("retry-after", "5");
  return new Response(JSON.stringify(body), { status, headers });
}
