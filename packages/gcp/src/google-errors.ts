/**
 * Maps Google's answers (STS OAuth errors, IAM `google.rpc.Status` errors, non-JSON bodies) to
 * {@link FederationError}s whose hints name the presented claims and the Google resource involved.
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
import type { ResolvedGcp } from "./endpoints.js";
import { principalForSubject } from "./resource.js";

/** What Google said, parsed if it was JSON. @internal */
export interface GoogleAnswer {
  readonly json: Record<string, unknown> | undefined;
  readonly contentType: string;
}

/** Parses a body as JSON when it is JSON; never throws. @internal */
export function readAnswer(response: HttpResponse): GoogleAnswer {
  const contentType = response.headers.get("content-type") ?? "";
  const text = response.text.trim();
  if (!text.startsWith("{")) return { json: undefined, contentType };
  try {
    const json: unknown = JSON.parse(text);
    return {
      json: json !== null && typeof json === "object" ? (json as Record<string, unknown>) : undefined,
      contentType,
    };
  } catch {
    return { json: undefined, contentType };
  }
}

function requestId(response: HttpResponse): string | undefined {
  return response.headers.get("x-goog-request-id") ?? response.headers.get("x-request-id") ?? undefined;
}

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
  const base = {
    provider: "gcp",
    status: response.status,
    attempts: response.attempts,
    requestId: requestId(response),
  };
  if (response.status >= 500 || response.status === 429) {
    const code: FederationErrorCode = response.status === 429 ? "throttled" : "provider_unavailable";
    return new FederationError(code, `${operation} answered ${describeBody(response, answer)}`, {
      ...base,
      retryable: true,
      hint: "Google (or a proxy in front of it) is failing or throttling; retry later. Check https://status.cloud.google.com.",
    });
  }
  return new FederationError("bad_response", `${operation} answered ${describeBody(response, answer)}`, {
    ...base,
    hint: "Expected JSON from Google; a proxy or a wrong endpoint URL may be in the way.",
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
  const names = `pool "${provider.poolId}", provider "${provider.providerId}"`;
  const [code, hint] = classifySts(error, description, subject, resolved, names);
  return new FederationError(
    code,
    `Google STS refused the token exchange: ${error}${description ? `: ${description}` : ""}`,
    {
      provider: "gcp",
      status: response.status,
      cloudCode: error,
      cloudMessage: description,
      requestId: requestId(response),
      attempts: response.attempts,
      retryable: response.status >= 500,
      subject,
      hint,
    },
  );
}

function classifySts(
  error: string,
  description: string,
  subject: SubjectSummary,
  resolved: ResolvedGcp,
  names: string,
): [FederationErrorCode, string] {
  const presented = `The token presented ${who(subject)}.`;
  const text = description.toLowerCase();
  switch (error) {
    case "invalid_target":
      return [
        "config",
        `${names} (${resolved.provider.resource}) does not exist, is disabled or was deleted. Check the project NUMBER, pool and provider ids (\`gcloud iam workload-identity-pools providers describe\`).`,
      ];
    case "unauthorized_client":
      return [
        "subject_mismatch",
        `${presented} The attribute condition of ${names} rejected these claims: compare it with the token (\`gcloud iam workload-identity-pools providers describe … --format='value(attributeCondition)'\`).`,
      ];
    case "invalid_grant":
      if (text.includes("audience")) {
        return [
          "audience_mismatch",
          `${presented} ${names} accepts "${resolved.subjectAudience}" by default, or the values in its allowed audiences; mint the token with one of them or add it with --allowed-audiences.`,
        ];
      }
      if (text.includes("expired") || text.includes("exp ")) {
        return [
          "expired_subject_token",
          `${presented} It expired before Google checked it; mint a fresh token and check clock skew.`,
        ];
      }
      if (text.includes("issuer") || text.includes("iss ")) {
        return [
          "issuer_untrusted",
          `${presented} ${names} is configured with another issuer URI; its --issuer-uri must equal iss exactly.`,
        ];
      }
      if (text.includes("google.subject") || text.includes("attribute")) {
        return [
          "config",
          `${presented} The attribute mapping of ${names} failed for these claims (google.subject must map to a non-empty string of at most 127 bytes).`,
        ];
      }
      return [
        "invalid_subject_token",
        `${presented} Google could not verify it against ${names}: check that the provider's JWKS (or the issuer's jwks_uri) holds the signing key and the algorithm is RS256/ES256.`,
      ];
    case "invalid_request":
      return [
        "invalid_request",
        text.includes("audience")
          ? `The STS audience must be the provider's full resource name (${resolved.provider.resource}).`
          : `Google rejected a parameter of the exchange with ${names}: check the subject token type and the scopes.`,
      ];
    case "invalid_client":
    case "access_denied":
      return ["access_denied", `${presented} Google refused the client for ${names}.`];
    default:
      return ["access_denied", `${presented} Google STS answered ${error} for ${names}.`];
  }
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
  let code: FederationErrorCode = "access_denied";
  let hint: string;
  switch (cloudCode) {
    case "PERMISSION_DENIED":
      hint = `Grant roles/iam.workloadIdentityUser on ${sa} to ${principal} (or a principalSet:// of the pool that contains it): gcloud iam service-accounts add-iam-policy-binding ${sa} --role=roles/iam.workloadIdentityUser --member=${principal}. Also check that the IAM Credentials API is enabled.`;
      break;
    case "NOT_FOUND":
      code = "config";
      hint = `Service account ${sa} does not exist (or is in another project).`;
      break;
    case "INVALID_ARGUMENT":
      code = "invalid_request";
      hint =
        "Check the lifetime (max 3600s without the lifetime-extension org policy), the scopes and the delegates.";
      break;
    case "UNAUTHENTICATED":
      hint = `Google did not accept the federated token for ${sa}; the STS token may have expired or lack the cloud-platform scope.`;
      break;
    case "FAILED_PRECONDITION":
      code = "config";
      hint = `${sa} is disabled, or a precondition of ${operation} failed.`;
      break;
    default:
      if (response.status >= 500 || response.status === 429) {
        code = response.status === 429 ? "throttled" : "provider_unavailable";
      }
      hint = `IAM Credentials answered ${cloudCode} for ${sa}.`;
  }
  return new FederationError(
    code,
    `IAM Credentials ${operation} for ${sa} failed: ${cloudCode}${cloudMessage ? `: ${cloudMessage}` : ""}`,
    {
      provider: "gcp",
      status: response.status,
      cloudCode,
      cloudMessage,
      requestId: requestId(response),
      attempts: response.attempts,
      retryable: response.status >= 500 || response.status === 429,
      subject,
      hint,
    },
  );
}
