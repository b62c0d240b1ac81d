/**
 * The one constructor of this package's errors: provider `aws`, a stable code, the message naming what was wrong
 * and a one-sentence fix (docs/aws.md, "Errors and their fixes", explains each at length).
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorCode, type FederationErrorDetails } from "@fedkit/core";

/**
 * A {@link FederationError} of provider `aws`.
 *
 * @example
 * ```ts
 * throw awsError("config", "awsFetch: no region given", "Pass region.");
 * ```
 * @internal
 */
export const awsError = (
  code: FederationErrorCode,
  message: string,
  hint: string,
  details?: FederationErrorDetails,
): FederationError => new FederationError(code, message, { provider: "aws", hint, ...details });
