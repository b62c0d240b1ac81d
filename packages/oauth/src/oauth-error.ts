/**
 * An OAuth token endpoint's error answer (RFC 6749 §5.2, RFC 8693 §2.2.2, RFC 7523 §3.1) as a `FederationError`
 * whose hint names the claim and the configured value to compare. The OAuth error codes are a table (data); the
 * status-and-body mechanism is the provider toolkit's `cloudFailure`, as for the clouds.
 *
 * @packageDocumentation
 */
import {
  type CloudRefusal,
  cloudFailure,
  type FederationError,
  type HttpResponse,
  outageCode,
  readJsonObject,
  type SubjectSummary,
} from "@fedkit/core/provider";

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
  const body = readJsonObject(text);
  if (body === undefined) return {};
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
function grantRefusal(description: string, ctx: OAuthFailureContext): Refusal {
  const { subject, audience, trustHolder } = ctx;
  const said = description.toLowerCase();
  if (/expired|\bexp\b|lifetime|too old|not yet valid|\bnbf\b|\biat\b/.test(said)) {
    return {
      code: "expired_subject_token",
      hint:
        `The ${trustHolder} refused the token's times (exp, iat, or exp - iat above the issuer's maximum). Mint a ` +
        "fresh, short-lived token and check the clock; do not raise the service's maximum lifetime.",
    };
  }
  if (/audience|\baud\b/.test(said)) {
    return {
      code: "audience_mismatch",
      hint:
        `The token's aud is ${quote(subject.aud)} (configured audience ${quote(audience)}); the ${trustHolder} ` +
        "must expect exactly this audience. Fix whichever side is wrong; never accept any audience.",
    };
  }
  if (/issuer|\biss\b|jwks|signature|kid\b|key/.test(said)) {
    return {
      code: "issuer_untrusted",
      hint:
        `The token's iss is ${quote(subject.iss)}: register exactly this issuer URL at the service (no trailing ` +
        "slash) and check that its keys (discovery, JWKS URL or inline JWKS) are current.",
    };
  }
  if (/subject|\bsub\b|claim|condition|match/.test(said)) {
    return {
      code: "subject_mismatch",
      hint:
        `The token's sub is ${quote(subject.sub)}; the ${trustHolder} must match exactly this subject. Map the ` +
        "calling function to this target rather than widening the match.",
    };
  }
  return {
    code: "invalid_subject_token",
    hint:
      `The ${trustHolder} did not accept the token. Compare, claim by claim, iss ${quote(subject.iss)}, sub ` +
      `${quote(subject.sub)} and aud ${quote(subject.aud)} (configured audience ${quote(audience)}) with what is ` +
      "registered there, and check that it is enabled; the service does not say which one failed.",
  };
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
  // Own keys only: an `error` of "constructor" or "toString" is no OAuth code.
  const mapped =
    error !== undefined && Object.hasOwn(OAUTH_ERRORS, error)
      ? OAUTH_ERRORS[error]?.(ctx, description)
      : undefined;
  const outage = outageCode(response.status);
  // An answer that names no OAuth error this table knows: the status decides. Outages go the toolkit's way; a
  // bare 401/403 is still a refusal of the exchange, any other 4xx a refused request.
  const byStatus: Refusal | undefined =
    mapped !== undefined || outage !== undefined
      ? undefined
      : response.status === 401 || response.status === 403
        ? { code: "access_denied", hint: `The service refused the exchange; check the ${ctx.trustHolder}.` }
        : {
            code: "invalid_request",
            hint: `The service refused the request (HTTP ${response.status}); check the ${ctx.trustHolder} and the request parameters.`,
          };
  const refusal = mapped ?? byStatus;
  const said = {
    cloudCode: error ?? `HTTP ${response.status}`,
    ...(description === "" ? {} : { cloudMessage: description }),
  };
  return cloudFailure(response, {
    provider: ctx.provider,
    message: `${ctx.provider}: the token endpoint answered HTTP ${response.status}${error ? ` ${error}` : ""}.`,
    subject: ctx.subject,
    // An outage the service named (`server_error` with a 503) keeps its code; the status decides the rest.
    ...(refusal !== undefined
      ? { refusal: { ...refusal, ...said } }
      : outage !== undefined && error !== undefined
        ? { refusal: { code: outage, retryable: true, hint: OUTAGE_HINT, ...said } }
        : { unreadableHints: { unavailable: OUTAGE_HINT } }),
  });
}

const OUTAGE_HINT = "The token endpoint is throttling or failing; retry after a pause.";

/** What an OAuth error code means for the caller, before the service's own code and message are added. */
type Refusal = Omit<CloudRefusal, "cloudCode" | "cloudMessage" | "requestId" | "traceId">;

const clientRefusal = (ctx: OAuthFailureContext): Refusal => ({
  code: "access_denied",
  hint:
    `The service does not know or does not enable the ${ctx.trustHolder} for issuer ${quote(ctx.subject.iss)}. ` +
    "Check the id in the configuration and that workload identity is enabled for the organization.",
});

/** The OAuth error codes (RFC 6749 §5.2, RFC 8693 §2.2.2) and what each means here. */
const OAUTH_ERRORS: Readonly<
  Record<string, (ctx: OAuthFailureContext, description: string) => Refusal | undefined>
> = {
  invalid_grant: (ctx, description) => grantRefusal(description, ctx),
  invalid_client: clientRefusal,
  unauthorized_client: clientRefusal,
  invalid_target: (ctx) => ({
    code: "access_denied",
    hint:
      `The ${ctx.trustHolder} does not grant the requested audience/resource (${ctx.target?.length ? ctx.target.map(quote).join(", ") : "none"}). ` +
      "Request one it grants; never grant a broader one to make this pass.",
  }),
  invalid_scope: (ctx) => ({
    code: "invalid_request",
    hint: `The service refused the requested scope ${quote(ctx.scope)}.`,
  }),
  unsupported_grant_type: () => ({
    code: "config",
    hint: "The endpoint does not take this grant type: check tokenUrl and the provider (token exchange vs jwt-bearer).",
  }),
  temporarily_unavailable: () => ({
    code: "provider_unavailable",
    hint: "The service could not reach the issuer's keys; retry shortly.",
    retryable: true,
  }),
};
