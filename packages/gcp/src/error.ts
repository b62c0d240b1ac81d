/**
 * The one constructor of the package's own errors (not the cloud's answers, which go through core's
 * `cloudFailure`): every call site names the code, what was wrong and the fix, and nothing else.
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorCode } from "@fedkit/core";

/**
 * A {@link FederationError} of provider `gcp`: `code`, a message naming what was wrong, a hint naming the fix.
 *
 * @example
 * ```ts
 * throw gcpError("config", '"x" is not a service account email', "Pass its email.");
 * ```
 * @internal
 */
export function gcpError(code: FederationErrorCode, message: string, hint?: string): FederationError {
  return new FederationError(code, message, { provider: "gcp", hint });
}
