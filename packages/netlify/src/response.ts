import { FederationError } from "@fedkit/core";

const STATUS: Partial<Record<string, number>> = {
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
  return Response.json(
    // `hint` is left out of the JSON when the error has none.
    {
      error: {
        code,
        requestId,
        ...(federation && exposeDetails && { message: error.message, hint: error.hint }),
      },
    },
    {
      status: federation ? (STATUS[code] ?? 502) : 500,
      headers: { "cache-control": "no-store", ...(code === "throttled" && { "retry-after": "5" }) },
    },
  );
}
