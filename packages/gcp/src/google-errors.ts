/**
 * Maps Google's answers (STS OAuth errors, IAM `google.rpc.Status` errors, non-JSON bodies) to
 * {@link FederationError}s whose hints name the presented claims and the Google resource involved. No hint
 * tells anyone to widen a trust to whatever was refused (a token of another deploy context or site is
 * supposed to be refused), and time-window refusals are called clock skew. Hints are short; the longer
 * explanations are in docs/gcp.md ("Errors and their fixes"), keyed by the same codes.
 *
 * @packageDocumentation
 */
import type { FederationError, FederationErrorCode, SubjectToken } from "@fedkit/core";
import {
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
import { gcpError } from "./error.js";
import { principalForSubject } from "./resource.js";

const REQUEST_ID_HEADERS = ["x-goog-request-id", "x-request-id"];
/** What STS's answers are called in messages. @internal */
export const STS_OPERATION = "Google STS token exchange";

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
      unavailable: "Retry later: Google is failing or throttling.",
      other: "Check the endpoint URL and any proxy.",
    },
  });
}

/**
 * The JSON object of an answer (anything else throws {@link unreadable}'s error), read once, and a reader of its
 * required string fields (a missing or empty one is `bad_response` naming the call and the field).
 *
 * @example
 * ```ts
 * const [json, field] = readAnswer(response, "Google STS token exchange");
 * const token = field("access_token");
 * ```
 * @internal
 */
export function readAnswer(
  response: HttpResponse,
  operation: string,
): [json: Record<string, unknown>, field: (name: string) => string] {
  const json = readJsonObject(response.text);
  if (json === undefined) throw unreadable(response, operation, "JSON");
  return [
    json,
    (name) => {
      const value = json[name];
      if (typeof value === "string" && value) return value;
      throw gcpError("bad_response", `${operation} answered ${response.status} without ${name}`);
    },
  ];
}

type Rule = readonly [FederationErrorCode, string];

/**
 * invalid_grant descriptions → code and what to fix, first match wins. `{P}` is who presented what to which
 * provider; the time-window rules carry the kind of refusal, and their hint is written from the measured skew.
 */
const GRANT_RULES: ReadonlyArray<readonly [RegExp, Rule]> = [
  [/audience/, ["audience_mismatch", "{P} aud must be {A} or an allowed audience."]],
  [/not yet valid|before its issue|in the future/, ["expired_subject_token", "not_yet_valid"]],
  [/expired|exp |stale/, ["expired_subject_token", "expired"]],
  [
    /issuer|iss /,
    ["issuer_untrusted", "{P} another issuer is trusted; other contexts' tokens are supposed to be refused."],
  ],
  [/google\.subject|attribute/, ["config", "{P} fix the attribute mapping (google.subject: 1-127 bytes)."]],
  [/$/, ["invalid_subject_token", "{P} the provider's JWKS lacks the signing key."]],
];

/**
 * STS errors other than invalid_grant, and IAM `status` values, → code and what to fix. `{N}` names the pool and
 * provider, `{S}` the service account, `{M}` the principal, `{C}` the status, `{O}` the call.
 */
const RULES: Readonly<Record<string, Rule>> = {
  invalid_target: ["config", "{N} does not exist or is disabled: check project number, pool, provider."],
  unauthorized_client: [
    "subject_mismatch",
    "{P} the attribute condition refused it; other contexts' tokens are supposed to be refused.",
  ],
  invalid_request: ["invalid_request", "STS audience must be {R}; subject token type jwt or id_token."],
  PERMISSION_DENIED: [
    "access_denied",
    "Either {S} does not exist (Google answers the same) or {M} holds no roles/iam.workloadIdentityUser; others are supposed to be refused.",
  ],
  NOT_FOUND: ["config", "{S} does not exist."],
  INVALID_ARGUMENT: [
    "invalid_request",
    "Check lifetime (3600 s max without the org policy), scopes, delegates.",
  ],
  UNAUTHENTICATED: ["access_denied", "The federated token expired or lacks the cloud-platform scope."],
  FAILED_PRECONDITION: ["config", "{S} is disabled, or a precondition of {O} failed."],
};

/**
 * Maps an error answer of STS (an OAuth error; `iamMethod` undefined) or of IAM Credentials `iamMethod` (a
 * `google.rpc.Status`) to the cloud's refusal: its code through the tables above, a hint naming who presented
 * what to which pool, provider and service account. An outage or throttling is reported as such whatever the
 * body says: worth retrying later.
 *
 * @example
 * ```ts
 * throw googleError(redactResponse(response, [subject.raw]), resolved, subject); // an STS refusal
 * ```
 * @internal
 */
export function googleError(
  response: HttpResponse,
  resolved: ResolvedGcp,
  token: SubjectToken,
  iamMethod?: string,
): FederationError {
  const what = iamMethod ? `IAM Credentials ${iamMethod}` : STS_OPERATION;
  const [json] = readAnswer(response, what);
  // STS answers an OAuth error ({ error, error_description }), IAM a google.rpc.Status ({ error: { status, message } }).
  const error = json["error"] as { status?: unknown; message?: unknown } | string | null;
  const [cloudCode, described] = !iamMethod
    ? [error, json["error_description"]]
    : error !== null && typeof error === "object"
      ? [typeof error.status === "string" ? error.status : String(response.status), error.message]
      : [];
  if (typeof cloudCode !== "string") return unreadable(response, what, "Google's error JSON");
  const cloudMessage = typeof described === "string" ? described : "";
  const subject = summarizeSubject(token);
  const { aud, iss, sub } = subject;
  const { provider, serviceAccount = "?" } = resolved;
  const names = `pool "${provider.poolId}", provider "${provider.providerId}" (${provider.resource})`;
  let [code, template] =
    cloudCode === "invalid_grant"
      ? GRANT_RULES.find(([pattern]) => pattern.test(cloudMessage.toLowerCase()))![1]
      : (RULES[cloudCode] ?? ["access_denied", "{P} {O} answered {C}."]);
  // The time-window rules' hint is written from the skew measured on Google's Date header.
  if (code === "expired_subject_token") {
    template = clockSkewHint(
      "Google STS",
      template as "expired" | "not_yet_valid",
      measureClockSkew(response.headers, token),
      token,
    );
  }
  const values: Readonly<Record<string, string>> = {
    P: `Presented iss=${iss ?? "?"} aud=${[aud ?? "?"].flat().join(", ")} sub=${sub ?? "?"} to ${names}:`,
    N: names,
    A: resolved.subjectAudience,
    R: provider.resource,
    S: serviceAccount,
    M: sub ? principalForSubject(provider, sub) : "the federated principal",
    C: cloudCode,
    O: iamMethod ?? "STS",
  };
  const outage = outageCode(response.status);
  return cloudFailure(response, {
    provider: "gcp",
    message: `${what}${iamMethod ? ` for ${serviceAccount}` : ""} failed: ${cloudCode}${cloudMessage && `: ${cloudMessage}`}`,
    subject,
    requestIdHeaders: REQUEST_ID_HEADERS,
    refusal: {
      code: outage ?? code,
      retryable: outage !== undefined,
      cloudCode,
      cloudMessage,
      hint: template.replace(/\{([A-Z])\}/g, (_, key: string) => values[key] ?? key),
    },
  });
}

/** The STS and IAM Credentials mappings under the names the cross-cloud hint tests use. @internal */
export { googleError as iamError, googleError as stsError };
