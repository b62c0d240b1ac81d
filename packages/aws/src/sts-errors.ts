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
  if (info.operation === "AssumeRole") {
    return (
      `The trust policy of ${info.role.arn} must allow ${info.caller ?? "the first role"} sts:AssumeRole ` +
      "(+ sts:TagSession with tags, sts:SetSourceIdentity with a source identity) and match externalId; the " +
      "first role needs sts:AssumeRole on it too."
    );
  }
  const prefix = s.iss ? conditionKeyPrefix(s.iss) : "<issuer host/path>";
  const aud = Array.isArray(s.aud) ? (s.aud.includes(info.audience) ? info.audience : s.aud[0]) : s.aud;
  const { partition, accountId, arn } = info.role;
  // STS answers alike for a role that does not exist and a trust policy that refuses the token: name both.
  return (
    `Either ${arn} does not exist (STS answers the same) or its trust policy does not accept this token. Check ` +
    `the role ARN, then compare the trust policy's "Federated": "arn:${partition}:iam::${accountId}:oidc-provider/${prefix}" ` +
    `and its "${prefix}:aud" ("${aud ?? info.audience}") and "${prefix}:sub" ("${s.sub ?? "(none)"}") conditions ` +
    "with the token (sts:TagSession too for a https://aws.amazon.com/tags claim). Change the trust only for an " +
    "identity meant to hold this role: a token of another deploy context, branch or site is supposed to be " +
    "refused here; give it a role of its own."
  );
}

function signingHint(): string {
  return (
    "STS refused the chained call's signature: check this machine's clock (about 5 minutes of skew are " +
    "allowed) and that nothing rewrites the request."
  );
}

interface Mapping {
  readonly code: FederationErrorCode;
  readonly retryable?: boolean;
  readonly hint: (info: StsCallInfo, s: SubjectSummary, err: StsError) => string;
}

function invalidIdentityToken(info: StsCallInfo, s: SubjectSummary, err: StsError): Mapping {
  const message = err.message ?? "";
  const prefix = s.iss ? conditionKeyPrefix(s.iss) : "<issuer>";
  if (/incorrect token audience/i.test(message)) {
    return {
      code: "audience_mismatch",
      hint: () =>
        `Add the token's aud to the client IDs of the IAM OIDC provider ${prefix}, or request tokens for an ` +
        `audience it lists (fedkit asks for "${info.audience}", see the audience option).`,
    };
  }
  if (/no openidconnect provider/i.test(message)) {
    return {
      code: "issuer_untrusted",
      hint: () =>
        `No IAM OIDC provider in account ${info.role.accountId} has the token's iss (${s.iss ?? "?"}) as its URL. ` +
        "Create one with exactly that URL only if this issuer is meant to hold roles there: a token of another " +
        "deploy context or site is supposed to be refused.",
    };
  }
  if (/before its issue time|not before|nbf/i.test(message))
    return { code: "expired_subject_token", hint: () => "" };
  return {
    code: "invalid_subject_token",
    hint: () =>
      `Check that ${s.iss ?? "the issuer"}/.well-known/openid-configuration and its jwks_uri are public over ` +
      "HTTPS, publish the signing key, and that iss equals the IAM OIDC provider URL.",
  };
}

const BY_CODE: Record<string, Mapping> = {
  ExpiredTokenException: { code: "expired_subject_token", hint: () => "" },
  IDPRejectedClaim: { code: "subject_mismatch", hint: trustHint },
  IDPCommunicationError: {
    code: "provider_unavailable",
    retryable: true,
    hint: (_i, s) =>
      `STS could not fetch the keys of ${s.iss ?? "the issuer"}: its discovery document and JWKS must be ` +
      "public and fast.",
  },
  AccessDenied: { code: "access_denied", hint: trustHint },
  RegionDisabledException: {
    code: "config",
    hint: () => "Activate STS for this region in IAM > Account settings, or use another region.",
  },
  Throttling: {
    code: "throttled",
    retryable: true,
    hint: () => "Keep credentials cached (one federation per process) and spread out exchanges.",
  },
  PackedPolicyTooLarge: {
    code: "invalid_request",
    hint: () =>
      "Session policy, policy ARNs and tags exceed STS's packed size: shorten them or move the grant into the role.",
  },
  MalformedPolicyDocument: {
    code: "invalid_request",
    hint: () => "The session policy is not a valid IAM policy document.",
  },
  SignatureDoesNotMatch: { code: "access_denied", hint: signingHint },
  InvalidClientTokenId: { code: "access_denied", hint: signingHint },
  RequestExpired: { code: "access_denied", hint: signingHint },
  ValidationError: {
    code: "invalid_request",
    hint: () =>
      "durationSeconds must not exceed the role's maximum (3600 when chained); session names match " +
      "[\\w+=,.@-]{2,64}.",
  },
};

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
  const fallback: Mapping =
    response.status === 429
      ? { code: "throttled", retryable: true, hint: () => "STS asked to slow down; retry later." }
      : response.status >= 500
        ? {
            code: "provider_unavailable",
            retryable: true,
            hint: () => "STS had an internal error; retry later.",
          }
        : response.status === 403
          ? { code: "access_denied", hint: trustHint }
          : { code: "invalid_request", hint: () => "STS rejected the request; see cloudMessage." };
  const mapping =
    err.code === "InvalidIdentityToken"
      ? invalidIdentityToken(info, s, err)
      : (BY_CODE[err.code] ?? fallback);
  const what = info.operation === "AssumeRole" ? "the chained hop" : `token ${presented(s)}`;
  const hint =
    mapping.code === "expired_subject_token"
      ? clockSkewHint(
          "AWS STS",
          err.code === "ExpiredTokenException" ? "expired" : "not_yet_valid",
          measureClockSkew(response.headers, info.subject),
          info.subject,
        )
      : mapping.hint(info, s, err);
  return cloudFailure(response, {
    ...failure,
    message: `sts:${info.operation} for ${info.role.arn} refused ${what}: ${err.code}${err.message ? `: ${err.message}` : ""}`,
    refusal: {
      code: mapping.code,
      hint,
      retryable: mapping.retryable ?? false,
      cloudCode: err.code,
      ...(err.message !== undefined && { cloudMessage: err.message }),
      ...(err.requestId !== undefined && { requestId: err.requestId }),
    },
  });
}
