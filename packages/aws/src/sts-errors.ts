/**
 * Turning an STS error answer into a {@link FederationError} whose hint says what the role's trust policy
 * must contain for the token that was presented.
 *
 * @packageDocumentation
 */
import {
  FederationError,
  type FederationErrorCode,
  type HttpResponse,
  type SubjectSummary,
  type SubjectToken,
  summarizeSubject,
} from "@fedkit/core";
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
      `The trust policy of ${info.role.arn} must allow the first hop's role (${info.caller ?? "the base role"}) ` +
      "to sts:AssumeRole, plus sts:TagSession when session tags are passed and sts:SetSourceIdentity when a " +
      "source identity is set; the first role's permission policy must allow sts:AssumeRole on it too, and the " +
      "ExternalId condition, if any, must match `externalId`."
    );
  }
  const prefix = s.iss ? conditionKeyPrefix(s.iss) : "<issuer host/path>";
  const aud = Array.isArray(s.aud) ? (s.aud.includes(info.audience) ? info.audience : s.aud[0]) : s.aud;
  const { partition, accountId, arn } = info.role;
  return (
    `The trust policy of ${arn} must allow "Federated": "arn:${partition}:iam::${accountId}:oidc-provider/${prefix}" ` +
    `to sts:AssumeRoleWithWebIdentity with conditions matching this token: "${prefix}:aud" = "${aud ?? info.audience}" ` +
    `and "${prefix}:sub" = "${s.sub ?? "(none)"}" (StringEquals, or StringLike with wildcards); if the token ` +
    `carries the https://aws.amazon.com/tags claim, the statement must also allow sts:TagSession.`
  );
}

function signingHint(): string {
  return (
    "STS refused the signature of the chained call made with the first hop's credentials: check this machine's " +
    "clock (SigV4 allows about five minutes of skew) and that nothing rewrites the request on the way."
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
        `Add the token's aud to the client IDs (audiences) of the IAM OIDC provider ${prefix}, or have the ` +
        `token issued for an audience that provider lists (fedkit asks for "${info.audience}"; set \`audience\`).`,
    };
  }
  if (/no openidconnect provider/i.test(message)) {
    return {
      code: "issuer_untrusted",
      hint: () =>
        `Create an IAM OIDC identity provider with URL ${s.iss ?? "<token iss>"} in account ` +
        `${info.role.accountId} (the URL must equal the token's iss exactly, path included).`,
    };
  }
  return {
    code: "invalid_subject_token",
    hint: () =>
      `STS could not validate the token. Check that ${s.iss ?? "the issuer"}/.well-known/openid-configuration and ` +
      "its jwks_uri are publicly reachable over HTTPS, that the signing key is published there, and that the " +
      "token's iss matches the IAM OIDC provider URL exactly.",
  };
}

const BY_CODE: Record<string, Mapping> = {
  ExpiredTokenException: {
    code: "expired_subject_token",
    hint: () =>
      "The web identity token has expired: fetch a fresh token from the identity provider and retry.",
  },
  IDPRejectedClaim: { code: "subject_mismatch", hint: trustHint },
  IDPCommunicationError: {
    code: "provider_unavailable",
    retryable: true,
    hint: (_i, s) =>
      `STS could not reach the identity provider ${s.iss ?? ""} to fetch its keys; make sure its discovery ` +
      "document and JWKS are publicly reachable and answer quickly, then retry.",
  },
  AccessDenied: { code: "access_denied", hint: trustHint },
  RegionDisabledException: {
    code: "config",
    hint: () =>
      "STS is not activated in this region for the account: activate it under IAM > Account settings > " +
      "Security Token Service (STS), or pick another region.",
  },
  Throttling: {
    code: "throttled",
    retryable: true,
    hint: () =>
      "STS throttled the calls; cache credentials longer (fedkit's cache does) or spread out exchanges.",
  },
  PackedPolicyTooLarge: {
    code: "invalid_request",
    hint: () =>
      "The session policy, policy ARNs and session tags together exceed STS's packed size limit: shorten the " +
      "session policy, pass fewer policy ARNs or tags, or move the grant into the role's permission policy.",
  },
  MalformedPolicyDocument: {
    code: "invalid_request",
    hint: () =>
      "The session policy is not a valid IAM policy document; check its JSON, Version and Statement.",
  },
  SignatureDoesNotMatch: { code: "access_denied", hint: signingHint },
  InvalidClientTokenId: { code: "access_denied", hint: signingHint },
  RequestExpired: { code: "access_denied", hint: signingHint },
  ValidationError: {
    code: "invalid_request",
    hint: () =>
      "STS rejected a parameter: durationSeconds must not exceed the role's maximum session duration (and 3600 " +
      "for chained roles), the session name must match [\\w+=,.@-]{2,64}.",
  },
};

/**
 * Maps a non-2xx STS answer to a {@link FederationError}. Bodies that are not an STS error document become
 * `bad_response` (or `provider_unavailable` / `throttled` by status) saying what was received.
 * @internal
 */
export function stsFailure(response: HttpResponse, info: StsCallInfo): FederationError {
  const s = summarizeSubject(info.subject);
  const requestId = response.headers.get("x-amzn-requestid") ?? undefined;
  const base = {
    provider: "aws",
    status: response.status,
    subject: s,
    attempts: response.attempts,
  } as const;
  let err: StsError;
  try {
    err = parseStsError(response.text);
  } catch (cause) {
    const code: FederationErrorCode =
      response.status === 429
        ? "throttled"
        : response.status >= 500
          ? "provider_unavailable"
          : "bad_response";
    const type = response.headers.get("content-type") ?? "no content-type";
    return new FederationError(
      code,
      `sts:${info.operation} answered HTTP ${response.status} (${type}) with a body that is not an STS error document`,
      { ...base, requestId, retryable: code !== "bad_response", cause },
    );
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
  return new FederationError(
    mapping.code,
    `sts:${info.operation} for ${info.role.arn} refused ${what}: ${err.code}${err.message ? `: ${err.message}` : ""}`,
    {
      ...base,
      cloudCode: err.code,
      cloudMessage: err.message,
      requestId: err.requestId ?? requestId,
      retryable: mapping.retryable ?? false,
      hint: mapping.hint(info, s, err),
    },
  );
}
