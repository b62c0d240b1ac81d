/**
 * Turning an STS error answer into a {@link FederationError} whose hint compares the presented token with the
 * role's trust policy, without ever telling anyone to widen a trust to whatever token was refused (a token of
 * another deploy context is supposed to be refused), and calling time-window refusals what they are: clock skew.
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

function presented(s: SubjectSummary): string {
  const aud = Array.isArray(s.aud) ? s.aud.join(",") : (s.aud ?? "(none)");
  return `iss=${s.iss ?? "(none)"}, sub=${s.sub ?? "(none)"}, aud=${aud}`;
}

function trustHint(info: StsCallInfo, s: SubjectSummary): string {
  if (info.operation === "AssumeRole")
    return (
      `The trust policy of ${info.role.arn} must allow ${info.caller ?? "the first role"} sts:AssumeRole (with ` +
      "sts:TagSession for tags, sts:SetSourceIdentity for a source identity) and match externalId; the first " +
      "role needs sts:AssumeRole on it too."
    );
  const prefix = s.iss ? conditionKeyPrefix(s.iss) : "<issuer host/path>";
  const aud = Array.isArray(s.aud) ? (s.aud.includes(info.audience) ? info.audience : s.aud[0]) : s.aud;
  const { partition, accountId, arn } = info.role;
  // STS answers alike for a role that does not exist and a trust policy that refuses the token: name both.
  return (
    `Either ${arn} does not exist (STS answers the same) or its trust policy does not accept this token: compare ` +
    `its "Federated": "arn:${partition}:iam::${accountId}:oidc-provider/${prefix}", "${prefix}:aud" ` +
    `("${aud ?? info.audience}") and "${prefix}:sub" ("${s.sub ?? "(none)"}") conditions (sts:TagSession for a ` +
    "tags claim) with the token. A token of another deploy context, branch or site is supposed to be refused: " +
    "give it a role of its own."
  );
}

type Hint = string | ((info: StsCallInfo, s: SubjectSummary) => string);
/** fedkit code, fix hint, retryable. */
type Mapping = readonly [FederationErrorCode, Hint, boolean?];

const SIGNING: Mapping = [
  "access_denied",
  "STS refused the chained call's signature: check the clock (5 minutes of skew allowed) and that nothing rewrites the request.",
];
const INVALID_REQUEST: Mapping = ["invalid_request", "STS rejected the request; see cloudMessage."];

/** InvalidIdentityToken's cases, told apart by STS's message. */
const INVALID_TOKEN: readonly (readonly [RegExp, ...Mapping])[] = [
  [
    /incorrect token audience/i,
    "audience_mismatch",
    (i, s) =>
      `Add the token's aud to the client IDs of the IAM OIDC provider ${s.iss ? conditionKeyPrefix(s.iss) : ""}, ` +
      `or request an audience it lists (fedkit asks for "${i.audience}").`,
  ],
  [
    /no openidconnect provider/i,
    "issuer_untrusted",
    (i, s) =>
      `No IAM OIDC provider in account ${i.role.accountId} has the URL ${s.iss ?? "?"}. Create one only if this ` +
      "issuer is meant to hold roles there: a token of another deploy context or site is supposed to be refused.",
  ],
  [/before its issue time|not before|nbf/i, "expired_subject_token", ""],
  [
    /./,
    "invalid_subject_token",
    (_i, s) =>
      `Check that ${s.iss ?? "the issuer"}/.well-known/openid-configuration and its jwks_uri are public over ` +
      "HTTPS and publish the signing key, and that iss equals the IAM OIDC provider URL.",
  ],
];

const BY_CODE: Record<string, Mapping> = {
  ExpiredTokenException: ["expired_subject_token", ""],
  IDPRejectedClaim: ["subject_mismatch", trustHint],
  IDPCommunicationError: [
    "provider_unavailable",
    (_i, s) =>
      `STS could not fetch the keys of ${s.iss ?? "the issuer"}: its discovery document and JWKS must be public and fast.`,
    true,
  ],
  AccessDenied: ["access_denied", trustHint],
  RegionDisabledException: [
    "config",
    "Activate STS for this region in IAM > Account settings, or use another region.",
  ],
  Throttling: [
    "throttled",
    "Keep credentials cached (one federation per process) and spread out exchanges.",
    true,
  ],
  PackedPolicyTooLarge: [
    "invalid_request",
    "Session policy, policy ARNs and tags exceed STS's packed size: shorten them or move the grant into the role.",
  ],
  MalformedPolicyDocument: ["invalid_request", "The session policy is not a valid IAM policy document."],
  SignatureDoesNotMatch: SIGNING,
  InvalidClientTokenId: SIGNING,
  RequestExpired: SIGNING,
  ValidationError: [
    "invalid_request",
    "durationSeconds must not exceed the role's maximum (3600 when chained); session names match [\\w+=,.@-]{2,64}.",
  ],
};

/** By HTTP status, for an error code fedkit does not know. */
function byStatus(status: number): Mapping {
  if (status === 429) return ["throttled", "STS asked to slow down; retry later.", true];
  if (status >= 500) return ["provider_unavailable", "STS had an internal error; retry later.", true];
  return status === 403 ? ["access_denied", trustHint] : INVALID_REQUEST;
}

/**
 * Maps a non-2xx STS answer to a {@link FederationError}. Bodies that are not an STS error document become
 * `bad_response` (or `provider_unavailable` / `throttled` by status) saying what was received.
 * @internal
 */
export function stsFailure(response: HttpResponse, info: StsCallInfo): FederationError {
  const s = summarizeSubject(info.subject);
  const failure = { provider: "aws", subject: s, requestIdHeaders: ["x-amzn-requestid"] } as const;
  let err: StsError;
  try {
    err = parseStsError(response.text);
  } catch (cause) {
    const message = unreadableMessage(`sts:${info.operation}`, response, "an STS error document");
    return cloudFailure(response, { ...failure, message, cause });
  }
  const [, ...mapping] =
    err.code === "InvalidIdentityToken"
      ? (INVALID_TOKEN.find(([pattern]) => pattern.test(err.message ?? "")) as (typeof INVALID_TOKEN)[number])
      : [undefined, ...(BY_CODE[err.code] ?? byStatus(response.status))];
  const [code, hintOf, retryable = false] = mapping;
  const what = info.operation === "AssumeRole" ? "the chained hop" : `token ${presented(s)}`;
  const hint =
    code === "expired_subject_token"
      ? clockSkewHint(
          "AWS STS",
          err.code === "ExpiredTokenException" ? "expired" : "not_yet_valid",
          measureClockSkew(response.headers, info.subject),
          info.subject,
        )
      : typeof hintOf === "string"
        ? hintOf
        : hintOf(info, s);
  return cloudFailure(response, {
    ...failure,
    message: `sts:${info.operation} for ${info.role.arn} refused ${what}: ${err.code}${err.message ? `: ${err.message}` : ""}`,
    refusal: {
      code,
      hint,
      retryable,
      cloudCode: err.code,
      ...(err.message !== undefined && { cloudMessage: err.message }),
      ...(err.requestId !== undefined && { requestId: err.requestId }),
    },
  });
}
