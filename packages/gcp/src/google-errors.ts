/**
 * Maps Google's answers (STS OAuth errors, IAM `google.rpc.Status` errors, non-JSON bodies) to
 * {@link FederationError}s whose hints name the presented claims and the Google resource involved. No hint
 * tells anyone to widen a trust to whatever was refused (a token of another deploy context or site is
 * supposed to be refused), and time-window refusals are called clock skew.
 *
 * @packageDocumentation
 */
import type { FederationError, FederationErrorCode, SubjectSummary, SubjectToken } from "@fedkit/core";
import {
  clockSkewHint,
  cloudFailure,
  type HttpResponse,
  measureClockSkew,
  outageCode,
  readJsonObject,
  summarizeSubject,
} from "@fedkit/core/provider";
import type { ResolvedGcp } from "./endpoints.js";
import { principalForSubject } from "./resource.js";

/** What Google said, parsed if it was JSON. @internal */
export interface GoogleAnswer {
  readonly json: Record<string, unknown> | undefined;
  readonly contentType: string;
}

/** Parses a body as JSON when it is JSON; never throws. @internal */
export function readAnswer(response: HttpResponse): GoogleAnswer {
  return { json: readJsonObject(response.text), contentType: response.headers.get("content-type") ?? "" };
}

const REQUEST_ID_HEADERS = ["x-goog-request-id", "x-request-id"];

function describeBody(response: HttpResponse, answer: GoogleAnswer): string {
  const type = answer.contentType || "no content-type";
  return `HTTP ${response.status} with a ${response.text.length === 0 ? "empty" : "non-JSON"} body (${type})`;
}

/**
 * An answer fedkit cannot read: a 5xx or 429 is the cloud being unavailable (after the core's retries), anything
 * else a bad response. Both say what arrived instead of "undefined".
 * @internal
 */
export function unreadable(response: HttpResponse, answer: GoogleAnswer, operation: string): FederationError {
  return cloudFailure(response, {
    provider: "gcp",
    message: `${operation} answered ${describeBody(response, answer)}`,
    requestIdHeaders: REQUEST_ID_HEADERS,
    unreadableHints: {
      unavailable:
        "Google (or a proxy in front of it) is failing or throttling; retry later. Check https://status.cloud.google.com.",
      other: "Expected JSON from Google; a proxy or a wrong endpoint URL may be in the way.",
    },
  });
}

function who(subject: SubjectSummary): string {
  const aud = Array.isArray(subject.aud) ? subject.aud.join(", ") : subject.aud;
  return `iss=${subject.iss ?? "?"} aud=${aud ?? "?"} sub=${subject.sub ?? "?"}`;
}

/** Maps an STS error answer. @internal */
export function stsError(
  response: HttpResponse,
  resolved: ResolvedGcp,
  token: SubjectToken,
): FederationError {
  const answer = readAnswer(response);
  const error = answer.json?.["error"];
  if (typeof error !== "string") return unreadable(response, answer, "Google STS token exchange");
  const description =
    typeof answer.json?.["error_description"] === "string" ? answer.json["error_description"] : "";
  const subject = summarizeSubject(token);
  const { provider } = resolved;
  const names = `pool "${provider.poolId}", provider "${provider.providerId}" (${provider.resource})`;
  const [code, hint] = classifySts(error, description, subject, resolved, names);
  const skew = code === "expired_subject_token" ? measureClockSkew(response.headers, token) : undefined;
  return cloudFailure(response, {
    provider: "gcp",
    message: `Google STS refused the token exchange: ${error}${description ? `: ${description}` : ""}`,
    subject,
    requestIdHeaders: REQUEST_ID_HEADERS,
    refusal: {
      code,
      cloudCode: error,
      cloudMessage: description,
      retryable: response.status >= 500,
      hint:
        code === "expired_subject_token"
          ? clockSkewHint("Google STS", hint === "not_yet_valid" ? "not_yet_valid" : "expired", skew, token)
          : hint,
    },
  });
}

/** invalid_grant descriptions → code and what to fix, first match wins. */
const GRANT_RULES: ReadonlyArray<readonly [RegExp, FederationErrorCode, string]> = [
  [
    /audience/,
    "audience_mismatch",
    "the token's aud must be {aud} (the default) or one of the provider's --allowed-audiences",
  ],
  // The hint of a time-window refusal is written from the measured skew (clockSkewHint); this says which kind.
  [/not yet valid|before its issue|in the future/, "expired_subject_token", "not_yet_valid"],
  [/expired|exp |stale/, "expired_subject_token", "expired"],
  [
    /issuer|iss /,
    "issuer_untrusted",
    "the provider trusts exactly one issuer, and it is not this token's. A token of another deploy context or site is supposed to be refused here: give that issuer a pool and provider of its own, never re-point this one",
  ],
  [
    /google\.subject|attribute/,
    "config",
    "the attribute mapping failed (google.subject: non-empty, at most 127 bytes)",
  ],
  [
    /$/,
    "invalid_subject_token",
    "the provider's JWKS (or the issuer's jwks_uri) must hold the signing key, RS256/ES256",
  ],
];

function classifySts(
  error: string,
  description: string,
  subject: SubjectSummary,
  resolved: ResolvedGcp,
  names: string,
): [FederationErrorCode, string] {
  const presented = `Presented ${who(subject)} to ${names}:`;
  const text = description.toLowerCase();
  switch (error) {
    case "invalid_target":
      return [
        "config",
        `${names} does not exist or is disabled; check the project NUMBER, pool and provider ids.`,
      ];
    case "unauthorized_client":
      return [
        "subject_mismatch",
        `${presented} its attribute condition rejected these claims. That is the condition working for a token of another deploy context, site or function; change it only for identities meant to be principals of this pool.`,
      ];
    case "invalid_grant": {
      const [, code, fix] = GRANT_RULES.find(([re]) => re.test(text))!;
      if (code === "expired_subject_token") return [code, fix];
      return [code, `${presented} ${fix.replace("{aud}", resolved.subjectAudience)}.`];
    }
    case "invalid_request":
      return [
        "invalid_request",
        `STS audience must be ${resolved.provider.resource}; subject token type jwt or id_token.`,
      ];
    default:
      return ["access_denied", `${presented} STS answered ${error}.`];
  }
}

/** IAM `status` → code and what to fix ({sa}, {principal}, {code}, {op} filled in). */
const IAM_RULES: Readonly<Record<string, readonly [FederationErrorCode, string]>> = {
  PERMISSION_DENIED: [
    "access_denied",
    "Either {sa} does not exist (Google answers the same) or {principal} holds no roles/iam.workloadIdentityUser on it (or the IAM Credentials API is disabled). Bind exactly that principal only if it is meant to act as {sa}: a principal of another deploy context's or site's pool is supposed to be refused; give it a service account of its own, and never bind a principalSet that another context's token can match.",
  ],
  NOT_FOUND: ["config", "Service account {sa} does not exist."],
  INVALID_ARGUMENT: [
    "invalid_request",
    "Check lifetime (max 3600s without the lifetime-extension org policy), scopes, delegates.",
  ],
  UNAUTHENTICATED: [
    "access_denied",
    "Google did not accept the federated token for {sa} (expired, or no cloud-platform scope).",
  ],
  FAILED_PRECONDITION: ["config", "{sa} is disabled, or a precondition of {op} failed."],
};

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? key);
}

/** Maps an IAM Credentials (`google.rpc.Status`) error answer. @internal */
export function iamError(
  response: HttpResponse,
  resolved: ResolvedGcp,
  token: SubjectToken,
  operation: string,
): FederationError {
  const answer = readAnswer(response);
  const body = answer.json?.["error"];
  if (body === null || typeof body !== "object")
    return unreadable(response, answer, `IAM Credentials ${operation}`);
  const { status, message } = body as { status?: unknown; message?: unknown };
  const cloudCode = typeof status === "string" ? status : String(response.status);
  const cloudMessage = typeof message === "string" ? message : "";
  const subject = summarizeSubject(token);
  const sa = resolved.serviceAccount ?? "?";
  const principal = subject.sub
    ? principalForSubject(resolved.provider, subject.sub)
    : "the federated principal";
  const [code, hint] = IAM_RULES[cloudCode] ?? [
    outageCode(response.status) ?? "access_denied",
    "IAM Credentials answered {code} for {sa}.",
  ];
  return cloudFailure(response, {
    provider: "gcp",
    message: `IAM Credentials ${operation} for ${sa} failed: ${cloudCode}${cloudMessage ? `: ${cloudMessage}` : ""}`,
    subject,
    requestIdHeaders: REQUEST_ID_HEADERS,
    refusal: {
      code,
      cloudCode,
      cloudMessage,
      retryable: outageCode(response.status) !== undefined,
      hint: fill(hint, { sa, principal, code: cloudCode, op: operation }),
    },
  });
}
