/**
 * Why a SigV4 verification failed, and the error AWS answers for it. S3 has its own codes and statuses; the query
 * protocol services (STS, ...) answer with the older family (`InvalidClientTokenId`, `IncompleteSignature`, ...).
 */

/**
 * A typed reason for a failed verification.
 * @public
 */
export type SigV4FailureReason =
  | "missing_authentication"
  | "malformed_authorization"
  | "conflicting_authentication"
  | "unsupported_algorithm"
  | "missing_date"
  | "scope_mismatch"
  | "region_mismatch"
  | "headers_not_signed"
  | "unknown_access_key"
  | "missing_token"
  | "invalid_token"
  | "expired_token"
  | "time_skewed"
  | "presign_expired"
  | "presign_not_yet_valid"
  | "invalid_expires"
  | "missing_content_sha256"
  | "unsupported_payload"
  | "content_sha256_mismatch"
  | "signature_mismatch";

/** A failed verification, with the AWS error to answer. @public */
export interface SigV4Failure {
  readonly ok: false;
  readonly reason: SigV4FailureReason;
  /** AWS's error code for this service, e.g. `SignatureDoesNotMatch`, `InvalidToken`. */
  readonly code: string;
  /** The HTTP status AWS answers with. */
  readonly status: number;
  /** AWS's message (never contains a secret or a session token). */
  readonly message: string;
  /** Extra fields AWS puts into the error body, e.g. `StringToSign` and `CanonicalRequest` for S3. */
  readonly details?: Readonly<Record<string, string>>;
}

type Mapping = readonly [code: string, status: number, message: string];

const S3: Record<SigV4FailureReason, Mapping> = {
  missing_authentication: ["AccessDenied", 403, "Access Denied"],
  malformed_authorization: ["AuthorizationHeaderMalformed", 400, "The authorization header is malformed"],
  conflicting_authentication: ["InvalidArgument", 400, "Only one auth mechanism allowed"],
  unsupported_algorithm: ["AuthorizationHeaderMalformed", 400, "Unsupported authorization type"],
  missing_date: ["AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header"],
  scope_mismatch: ["AuthorizationHeaderMalformed", 400, "The authorization header is malformed"],
  region_mismatch: ["AuthorizationHeaderMalformed", 400, "The authorization header is malformed"],
  headers_not_signed: [
    "AccessDenied",
    403,
    "There were headers present in the request which were not signed",
  ],
  unknown_access_key: [
    "InvalidAccessKeyId",
    403,
    "The AWS Access Key Id you provided does not exist in our records.",
  ],
  missing_token: [
    "InvalidAccessKeyId",
    403,
    "The AWS Access Key Id you provided does not exist in our records.",
  ],
  invalid_token: ["InvalidToken", 400, "The provided token is malformed or otherwise invalid."],
  expired_token: ["ExpiredToken", 400, "The provided token has expired."],
  time_skewed: [
    "RequestTimeTooSkewed",
    403,
    "The difference between the request time and the current time is too large.",
  ],
  presign_expired: ["AccessDenied", 403, "Request has expired"],
  presign_not_yet_valid: ["AccessDenied", 403, "Request is not valid yet"],
  invalid_expires: [
    "AuthorizationQueryParametersError",
    400,
    "X-Amz-Expires must be less than a week (in seconds) that is 604800",
  ],
  missing_content_sha256: [
    "InvalidRequest",
    400,
    "Missing required header for this request: x-amz-content-sha256",
  ],
  unsupported_payload: [
    "NotImplemented",
    501,
    "A header you provided implies functionality that is not implemented",
  ],
  content_sha256_mismatch: [
    "XAmzContentSHA256Mismatch",
    400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  ],
  signature_mismatch: [
    "SignatureDoesNotMatch",
    403,
    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
  ],
};

const QUERY_PROTOCOL: Record<SigV4FailureReason, Mapping> = {
  missing_authentication: ["MissingAuthenticationToken", 403, "Request is missing Authentication Token"],
  malformed_authorization: [
    "IncompleteSignature",
    400,
    "The request signature does not conform to AWS standards.",
  ],
  conflicting_authentication: [
    "InvalidRequest",
    400,
    "Found both an Authorization header and X-Amz-Algorithm query parameter.",
  ],
  unsupported_algorithm: ["IncompleteSignature", 400, "Unsupported AWS 'algorithm'"],
  missing_date: [
    "IncompleteSignature",
    400,
    "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
  ],
  scope_mismatch: ["SignatureDoesNotMatch", 403, "Credential should be scoped correctly"],
  region_mismatch: ["SignatureDoesNotMatch", 403, "Credential should be scoped to a valid region"],
  headers_not_signed: ["SignatureDoesNotMatch", 403, "Header 'host' must be signed"],
  unknown_access_key: ["InvalidClientTokenId", 403, "The security token included in the request is invalid."],
  missing_token: ["InvalidClientTokenId", 403, "The security token included in the request is invalid."],
  invalid_token: ["InvalidClientTokenId", 403, "The security token included in the request is invalid."],
  expired_token: ["ExpiredToken", 403, "The security token included in the request is expired"],
  time_skewed: ["SignatureDoesNotMatch", 403, "Signature expired"],
  presign_expired: ["AccessDenied", 403, "Request has expired"],
  presign_not_yet_valid: ["AccessDenied", 403, "Request is not valid yet"],
  invalid_expires: ["IncompleteSignature", 400, "X-Amz-Expires must be between 1 and 604800 seconds"],
  missing_content_sha256: ["IncompleteSignature", 400, "Missing x-amz-content-sha256"],
  unsupported_payload: ["NotImplemented", 501, "Streaming payloads are not supported"],
  content_sha256_mismatch: [
    "XAmzContentSHA256Mismatch",
    400,
    "The provided 'x-amz-content-sha256' header does not match what was computed.",
  ],
  signature_mismatch: [
    "SignatureDoesNotMatch",
    403,
    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  ],
};

/**
 * Builds the failure AWS would answer for `reason` on `service` (`s3` has its own codes; every other service
 * answers like STS). `detail` is appended to the message.
 * @public
 */
export function sigV4Failure(
  reason: SigV4FailureReason,
  service: string | undefined,
  detail?: string,
  details?: Record<string, string>,
): SigV4Failure {
  const [code, status, message] = (service === "s3" ? S3 : QUERY_PROTOCOL)[reason];
  return {
    ok: false,
    reason,
    code,
    status,
    message: detail ? `${message}${message.endsWith(".") ? "" : ";"} ${detail}` : message,
    ...(details ? { details } : {}),
  };
}
