/**
 * An OAuth token endpoint's error answer (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 7523 §3.1) as a `FederationError`
 * whose hint names the claim and the configured value to compare. One small file so the provider toolkit's
 * status-and-body mapping can replace it.
 *
 * @packageDocumentation
 */
import type { FederationErrorCode, SubjectSummary } from "@fedkit/core";
import { FederationError } from "@fedkit/core";
import type { HttpResponse } from "@fedkit/core/provider";

/** What the hints may name: configuration and claims, never a token. @public */
export interface OAuthFailureContext {
  /** The provider name (`openai`, `anthropic`, `oauth`, ...). */
  readonly provider: string;
  /** The claims presented (`iss`, `sub`, `aud`). */
  readonly subject: SubjectSummary;
  /** The `aud` the provider asks the subject token to carry. */
  readonly audience: string;
  /** What holds the trust at the service, with its id (`federation rule fdrl_01`, `policy 4b2f…`). */
  readonly trustHolder: string;
  /** RFC 8693 `audience` / `resource` values requested, if any. */
  readonly target?: readonly string[];
  /** Scopes requested, if any. */
  readonly scope?: string;
}

/** The fields of an OAuth error answer, also from `{ error: { type, message } }` API shapes. */
function parseOAuthError(text: string): { error?: string; description?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof json !== "object" || json === null) return {};
  const body = json as Record<string, unknown>;
  const nested = body["error"];
  if (typeof nested === "object" && nested !== null) {
    const inner = nested as Record<string, unknown>;
    const code = inner["code"] ?? inner["type"];
    const message = inner["message"];
    return {
      ...(typeof code === "string" ? { error: code } : {}),
      ...(typeof message === "string" ? { description: message } : {}),
    };
  }
  const description = body["error_description"] ?? body["message"];
  return {
    ...(typeof nested === "string" ? { error: nested } : {}),
    ...(typeof description === "string" ? { description } : {}),
  };
}

const quote = (value: unknown) => JSON.stringify(value ?? null);

/** `invalid_grant` narrowed by what the description blames, when the service says (many consolidate). */
function grantRefusal(description: string, ctx: OAuthFailureContext): [FederationErrorCode, string] {
  const { subject, audience, trustHolder } = ctx;
  const said = description.toLowerCase();
  if (/expired|\bexp\b|lifetime|too old|not yet valid|\bnbf\b|\biat\b/.test(said)) {
    return [
      "expired_subject_token",
      `The ${trustHolder} refused the token's times (exp, iat, or exp - iat above the issuer's maximum). Mint a ` +
        "fresh, short-lived token and check the clock; do not raise the service's maximum lifetime.",
    ];
  }
  if (/audience|\baud\b/.test(said)) {
    return [
      "audience_mismatch",
      `The token's aud is ${quote(subject.aud)} (configured audience ${quote(audience)}); the ${trustHolder} ` +
        "must expect exactly this audience. Fix whichever side is wrong; never accept any audience.",
    ];
  }
  if (/issuer|\biss\b|jwks|signature|kid\b|key/.test(said)) {
    return [
      "issuer_untrusted",
      `The token's iss is ${quote(subject.iss)}: register exactly this issuer URL at the service (no trailing ` +
        "slash) and check that its keys (discovery, JWKS URL or inline JWKS) are current.",
    ];
  }
  if (/subject|\bsub\b|claim|condition|match/.test(said)) {
    return [
      "subject_mismatch",
      `The token's sub is ${quote(subject.sub)}; the ${trustHolder} must match exactly this subject. Map the ` +
        "calling function to this target rather than widening the match.",
    ];
  }
  return [
    "invalid_subject_token",
    `The ${trustHolder} did not accept the token. Compare, claim by claim, iss ${quote(subject.iss)}, sub ` +
      `${quote(subject.sub)} and aud ${quote(subject.aud)} (configured audience ${quote(audience)}) with what is ` +
      "registered there, and check that it is enabled; the service does not say which one failed.",
  ];
}

/**
 * Turns a token endpoint's error answer (already redacted of the subject token) into a `FederationError`:
 * `invalid_grant` → a refusal of the token (narrowed to the claim the service blames), `invalid_client` /
 * `unauthorized_client` / `invalid_target` → `access_denied`, `invalid_request` / `invalid_scope` →
 * `invalid_request`, `unsupported_grant_type` → `config`, `temporarily_unavailable` and 5xx →
 * `provider_unavailable`, 429 → `throttled`.
 *
 * @example
 * ```ts
 * if (response.status !== 200) throw oauthFailure(redactResponse(response, [subject.raw]), context);
 * ```
 * @public
 */
export function oauthFailure(response: HttpResponse, ctx: OAuthFailureContext): FederationError {
  const { error, description = "" } = parseOAuthError(response.text);
  const { provider, trustHolder } = ctx;
  const details = {
    provider,
    status: response.status,
    attempts: response.attempts,
    subject: ctx.subject,
    ...(error === undefined ? {} : { cloudCode: error }),
    ...(description === "" ? {} : { cloudMessage: description }),
  };
  const fail = (code: FederationErrorCode, hint: string, retryable = false) =>
    new FederationError(
      code,
      `${provider}: the token endpoint answered HTTP ${response.status}${error ? ` ${error}` : ""}.`,
      { ...details, hint, retryable },
    );
  const targets = ctx.target?.length ? ctx.target.map(quote).join(", ") : "none";
  switch (error) {
    case "invalid_grant":
      return fail(...grantRefusal(description, ctx));
    case "invalid_client":
    case "unauthorized_client":
      return fail(
        "access_denied",
        `The service does not know or does not enable the ${trustHolder} for issuer ${quote(ctx.subject.iss)}. ` +
          "Check the id in the configuration and that workload identity is enabled for the organization.",
      );
    case "invalid_target":
      return fail(
        "access_denied",
        `The ${trustHolder} does not grant the requested audience/resource (${targets}). Request one it grants; ` +
          "never grant a broader one to make this pass.",
      );
    case "invalid_scope":
      return fail("invalid_request", `The service refused the requested scope ${quote(ctx.scope)}.`);
    case "unsupported_grant_type":
      return fail(
        "config",
        "The endpoint does not take this grant type: check tokenUrl and the provider (token exchange vs jwt-bearer).",
      );
    case "temporarily_unavailable":
      return fail(
        "provider_unavailable",
        "The service could not reach the issuer's keys; retry shortly.",
        true,
      );
  }
  if (response.status === 429) return fail("throttled", "Too many exchanges; retry after a pause.", true);
  if (response.status >= 500)
    return fail("provider_unavailable", "The token endpoint failed; retry later.", true);
  if (response.status === 401 || response.status === 403) {
    return fail("access_denied", `The service refused the exchange; check the ${trustHolder}.`);
  }
  return fail(
    "invalid_request",
    `The service refused the request (HTTP ${response.status}); check the ${trustHolder} and the request parameters.`,
  );
}
