/**
 * Turning an STS error answer into a {@link FederationError} whose hint compares the presented token with the
 * role's trust policy, without ever telling anyone to widen a trust to whatever token was refused (a token of
 * another deploy context is supposed to be refused), and calling time-window refusals what they are: clock skew.
 * Hints are one sentence; docs/aws.md ("Errors and their fixes") explains each STS code at length.
 *
 * @packageDocumentation
 */
import type { FederationError, FederationErrorCode, SubjectSummary, SubjectToken } from "@fedkit/core";
import {
  clockSkewHint,
  cloudFailure,
  type HttpResponse,
  measureClockSkew,
  summarizeSubject,
  unreadableMessage,
} from "@fedkit/core/provider";
import type { RoleArn } from "./partition.js";
import { parseStsError, type StsError } from "./sts-response.js";

/** What the error mapper knows about the call. @internal */
export interface StsCallInfo {
  readonly operation: "AssumeRoleWithWebIdentity" | "AssumeRole";
  readonly role: RoleArn;
  readonly subject: SubjectToken;
  readonly audience: string;
  /** For a chained hop: the assumed-role ARN of the first hop, which signs the call. */
  readonly caller?: string;
}

/**
 * The prefix IAM uses for condition keys of an OIDC provider: the issuer URL without `https://` and without
 * a trailing slash, path included (`example.com/oidc/production` → `example.com/oidc/production:sub`).
 * @public
 */
export function conditionKeyPrefix(issuer: string): string {
  // IAM only accepts https issuers; other schemes (the emulator's http loopback issuer) are stripped alike.
  return issuer.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").replace(/\/+$/, "");
}

type Hint = string | ((info: StsCallInfo, s: SubjectSummary, prefix: string) => string);
/** fedkit code, fix hint, retryable. */
type Mapping = readonly [FederationErrorCode, Hint, boolean?];

const REFUSED = "tokens of other deploy contexts or sites are supposed to be refused";

const trustHint: Hint = ({ role, operation, caller, audience }, s, prefix) =>
  operation === "AssumeRole"
    ? `The trust policy of ${role.arn} must allow ${caller ?? "the first role"} sts:AssumeRole and sts:TagSession.`
    : // STS answers alike for a role that does not exist and a trust policy that refuses the token: name both.
      `Either ${role.arn} does not exist (STS answers the same) or its trust policy does not accept this token: compare ` +
      `"arn:${role.partition}:iam::${role.accountId}:oidc-provider/${prefix}", "${prefix}:aud" ` +
      `("${(Array.isArray(s.aud) ? (s.aud.includes(audience) ? audience : s.aud[0]) : s.aud) ?? audience}"), ` +
      `"${prefix}:sub" ("${s.sub}") and sts:TagSession; ${REFUSED}.`;

const SIGNING: Mapping = ["access_denied", "Fix the clock, or whatever rewrites the request."];

/** InvalidIdentityToken's cases, told apart by STS's message. */
const invalidToken = (message = ""): Mapping =>
  /incorrect token audience/i.test(message)
    ? [
        "audience_mismatch",
        (i, _s, prefix) => `Add "${i.audience}" to the client IDs of the IAM OIDC provider ${prefix}.`,
      ]
    : /no openidconnect provider/i.test(message)
      ? [
          "issuer_untrusted",
          (i, s) =>
            `Add an IAM OIDC provider for ${s.iss} in ${i.role.accountId} only if it may hold roles; ${REFUSED}.`,
        ]
      : /before its issue time|not before|nbf/i.test(message)
        ? ["expired_subject_token", ""]
        : [
            "invalid_subject_token",
            (_i, s) => `Serve the discovery document and JWKS of ${s.iss} over HTTPS.`,
          ];

const BY_CODE: Record<string, Mapping> = {
  ExpiredTokenException: ["expired_subject_token", ""],
  IDPRejectedClaim: ["subject_mismatch", trustHint],
  IDPCommunicationError: [
    "provider_unavailable",
    (_i, s) => `Serve the discovery document and JWKS of ${s.iss} fast.`,
    true,
  ],
  AccessDenied: ["access_denied", trustHint],
  RegionDisabledException: ["config", "Activate STS for this region in IAM."],
  Throttling: ["throttled", "Cache credentials; spread out exchanges.", true],
  PackedPolicyTooLarge: ["invalid_request", "Shorten the session policy, ARNs and tags."],
  MalformedPolicyDocument: ["invalid_request", "Pass a valid IAM policy document."],
  SignatureDoesNotMatch: SIGNING,
  InvalidClientTokenId: SIGNING,
  RequestExpired: SIGNING,
  ValidationError: ["invalid_request", "Check durationSeconds and the session name."],
};

/** By HTTP status, for an error code fedkit does not know. */
const byStatus = (status: number): Mapping =>
  status === 429
    ? ["throttled", "Retry later.", true]
    : status > 499
      ? ["provider_unavailable", "Retry later.", true]
      : status === 403
        ? ["access_denied", trustHint]
        : ["invalid_request", "See cloudMessage."];

/**
 * Maps a non-2xx STS answer to a {@link FederationError}. Bodies that are not an STS error document become
 * `bad_response` (or `provider_unavailable` / `throttled` by status) saying what was received.
 * @internal
 */
export function stsFailure(response: HttpResponse, info: StsCallInfo): FederationError {
  const s = summarizeSubject(info.subject);
  const failure = { provider: "aws", subject: s, requestIdHeaders: ["x-amzn-requestid"] } as const;
  const op = `sts:${info.operation}`;
  let err: StsError;
  try {
    err = parseStsError(response.text);
  } catch (cause) {
    return cloudFailure(response, {
      ...failure,
      message: unreadableMessage(op, response, "an STS error document"),
      cause,
    });
  }
  const { code: cloudCode, message: cloudMessage, requestId } = err;
  const [code, hintOf, retryable] =
    cloudCode === "InvalidIdentityToken"
      ? invalidToken(cloudMessage)
      : // Own keys only: a code named like an object property ("constructor") is a code fedkit does not know.
        Object.hasOwn(BY_CODE, cloudCode)
        ? BY_CODE[cloudCode]!
        : byStatus(response.status);
  const hint =
    code === "expired_subject_token"
      ? clockSkewHint(
          "AWS STS",
          cloudCode === "ExpiredTokenException" ? "expired" : "not_yet_valid",
          measureClockSkew(response.headers, info.subject),
          info.subject,
        )
      : typeof hintOf === "string"
        ? hintOf
        : hintOf(info, s, conditionKeyPrefix(s.iss ?? ""));
  const aud = Array.isArray(s.aud) ? s.aud.join(",") : s.aud;
  const what =
    info.operation === "AssumeRole" ? "the chained hop" : `token iss=${s.iss}, sub=${s.sub}, aud=${aud}`;
  return cloudFailure(response, {
    ...failure,
    message: `${op} for ${info.role.arn} refused ${what}: ${cloudCode}${cloudMessage ? `: ${cloudMessage}` : ""}`,
    refusal: {
      code,
      hint,
      retryable,
      cloudCode,
      // cloudFailure treats an undefined one as absent.
      cloudMessage,
      requestId,
    },
  });
}
