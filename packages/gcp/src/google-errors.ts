/**
 * Maps Google's answers (STS OAuth errors, IAM `google.rpc.Status` errors, non-JSON bodies) to
 * {@link FederationError}s whose hints name the presented claims and the Google resource involved. No hint
 * tells anyone to widen a trust to whatever was refused (a token of another deploy context or site is
 * supposed to be refused), and time-window refusals are called clock skew.
 *
 * @packageDocumentation
 */
import { FederationError, type FederationErrorCode, type SubjectToken } from "@fedkit/core";
import {
  type CloudRefusal,
  clockSkewHint,
  cloudFailure,
  type HttpResponse,
  measureClockSkew,
  outageCode,
  readJsonObject,
  summarizeSubject,
  unreadableMessage,
} from "@fedkit/core/provider";
import type { ResolvedGcp } from "./endpoints.js";
import { principalForSubject } from "./resource.js";

const REQUEST_ID_HEADERS = ["x-goog-request-id", "x-request-id"];

/**
 * An answer that is not what was `expected`: a 5xx or 429 is Google being unavailable (after the core's
 * retries), anything else a bad response. The message says what arrived instead.
 */
function unreadable(response: HttpResponse, operation: string, expected: string): FederationError {
  return cloudFailure(response, {
    provider: "gcp",
    message: unreadableMessage(operation, response, expected),
    requestIdHeaders: REQUEST_ID_HEADERS,
    unreadableHints: {
      unavailable: "Google (or a proxy) is failing or throttling; retry later (status.cloud.google.com).",
      other: "Expected JSON: a proxy or a wrong endpoint URL may be in the way.",
    },
  });
}

/** The JSON object of an answer; anything else throws {@link unreadable}'s error. @internal */
export function readAnswer(response: HttpResponse, operation: string): Record<string, unknown> {
  const json = readJsonObject(response.text);
  if (json === undefined) throw unreadable(response, operation, "JSON");
  return json;
}

/** A non-empty string field of a successful answer, else `bad_response` naming the call and the field. @internal */
export function answerField(response: HttpResponse, operation: string, name: string): string {
  const value = readAnswer(response, operation)[name];
  if (typeof value === "string" && value.length > 0) return value;
  throw new FederationError("bad_response", `${operation} answered ${response.status} without ${name}`, {
    provider: "gcp",
    status: response.status,
    attempts: response.attempts,
  });
}

/** The refusal of a parsed error answer, with what every Google error carries filled in. */
function refused(
  response: HttpResponse,
  token: SubjectToken,
  message: string,
  refusal: Omit<CloudRefusal, "retryable">,
): FederationError {
  const outage = outageCode(response.status);
  return cloudFailure(response, {
    provider: "gcp",
    message: `${message}: ${refusal.cloudCode}${refusal.cloudMessage ? `: ${refusal.cloudMessage}` : ""}`,
    subject: summarizeSubject(token),
    requestIdHeaders: REQUEST_ID_HEADERS,
    // An outage or throttling is reported as such whatever the body says: worth retrying later.
    refusal: { ...refusal, code: outage ?? refusal.code, retryable: outage !== undefined },
  });
}

type Rule = readonly [FederationErrorCode, string];

/**
 * invalid_grant descriptions → code and what to fix, first match wins. `{P}` is who presented what to which
 * provider; the time-window rules carry the kind of refusal, and their hint is written from the measured skew.
 */
const GRANT_RULES: ReadonlyArray<readonly [RegExp, Rule]> = [
  [/audience/, ["audience_mismatch", "{P} aud must be {A} or one of the provider's allowed audiences."]],
  [/not yet valid|before its issue|in the future/, ["expired_subject_token", "not_yet_valid"]],
  [/expired|exp |stale/, ["expired_subject_token", "expired"]],
  [
    /issuer|iss /,
    [
      "issuer_untrusted",
      "{P} the provider trusts one other issuer; a token of another deploy context or site is supposed to be refused: give it a pool and provider of its own, never re-point this one.",
    ],
  ],
  [
    /google\.subject|attribute/,
    ["config", "{P} the attribute mapping failed (google.subject: 1-127 bytes)."],
  ],
  [
    /$/,
    [
      "invalid_subject_token",
      "{P} the provider's JWKS (or the issuer's jwks_uri) lacks the RS256/ES256 key.",
    ],
  ],
];

/** STS errors other than invalid_grant → code and what to fix. */
const STS_RULES: Readonly<Record<string, Rule>> = {
  invalid_target: [
    "config",
    "{N} does not exist or is disabled: check the project NUMBER, pool and provider ids.",
  ],
  unauthorized_client: [
    "subject_mismatch",
    "{P} the attribute condition refused these claims, as it must for another deploy context, site or function; widen it only for identities meant to be principals of this pool.",
  ],
  invalid_request: ["invalid_request", "STS audience must be {R}; subject token type jwt or id_token."],
};

/** Maps an STS error answer. @internal */
export function stsError(
  response: HttpResponse,
  resolved: ResolvedGcp,
  token: SubjectToken,
): FederationError {
  const operation = "Google STS token exchange";
  const json = readAnswer(response, operation);
  const error = json["error"];
  if (typeof error !== "string") return unreadable(response, operation, "an OAuth error");
  const description = typeof json["error_description"] === "string" ? json["error_description"] : "";
  const { aud, iss, sub } = summarizeSubject(token);
  const { provider } = resolved;
  const names = `pool "${provider.poolId}", provider "${provider.providerId}" (${provider.resource})`;
  const [code, template] =
    error === "invalid_grant"
      ? GRANT_RULES.find(([pattern]) => pattern.test(description.toLowerCase()))![1]
      : (STS_RULES[error] ?? ["access_denied", `{P} STS answered ${error}.`]);
  const hint =
    code === "expired_subject_token"
      ? clockSkewHint(
          "Google STS",
          template === "not_yet_valid" ? "not_yet_valid" : "expired",
          measureClockSkew(response.headers, token),
          token,
        )
      : fill(template, {
          P: `Presented iss=${iss ?? "?"} aud=${[aud ?? "?"].flat().join(", ")} sub=${sub ?? "?"} to ${names}:`,
          N: names,
          A: resolved.subjectAudience,
          R: provider.resource,
        });
  return refused(response, token, "Google STS refused the token exchange", {
    code,
    cloudCode: error,
    cloudMessage: description,
    hint,
  });
}

/** IAM `status` → code and what to fix ({S} the service account, {M} the principal, {C} the status, {O} the call). */
const IAM_RULES: Readonly<Record<string, Rule>> = {
  PERMISSION_DENIED: [
    "access_denied",
    "Either {S} does not exist (Google answers the same) or {M} holds no roles/iam.workloadIdentityUser on it (or the IAM Credentials API is off). Bind exactly that principal only if it is meant to act as {S}; another deploy context's or site's principal is supposed to be refused, so never bind a principalSet its token can match.",
  ],
  NOT_FOUND: ["config", "Service account {S} does not exist."],
  INVALID_ARGUMENT: [
    "invalid_request",
    "Check lifetime (max 3600s without the lifetime-extension policy), scopes, delegates.",
  ],
  UNAUTHENTICATED: [
    "access_denied",
    "Google did not accept the federated token for {S} (expired, or no cloud-platform scope).",
  ],
  FAILED_PRECONDITION: ["config", "{S} is disabled, or a precondition of {O} failed."],
};

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Z])\}/g, (_, key: string) => values[key] ?? key);
}

/** Maps an IAM Credentials (`google.rpc.Status`) error answer. @internal */
export function iamError(
  response: HttpResponse,
  resolved: ResolvedGcp,
  token: SubjectToken,
  operation: string,
): FederationError {
  const what = `IAM Credentials ${operation}`;
  const body = readAnswer(response, what)["error"];
  if (body === null || typeof body !== "object") return unreadable(response, what, "a google.rpc.Status");
  const { status, message } = body as { status?: unknown; message?: unknown };
  const cloudCode = typeof status === "string" ? status : String(response.status);
  const sa = resolved.serviceAccount ?? "?";
  const { sub } = summarizeSubject(token);
  const [code, template] = IAM_RULES[cloudCode] ?? [
    outageCode(response.status) ?? "access_denied",
    "IAM Credentials answered {C} for {S}.",
  ];
  return refused(response, token, `${what} for ${sa} failed`, {
    code,
    cloudCode,
    cloudMessage: typeof message === "string" ? message : "",
    hint: fill(template, {
      S: sa,
      M: sub ? principalForSubject(resolved.provider, sub) : "the federated principal",
      C: cloudCode,
      O: operation,
    }),
  });
}
