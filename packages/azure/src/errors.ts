/**
 * Maps Entra's answers to {@link FederationError}s whose hints compare what was presented with the app
 * registration's federated credentials, without telling anyone to add a credential for whatever was refused (a
 * token of another deploy context is supposed to be refused), and call time-window refusals clock skew.
 *
 * @packageDocumentation
 */

import type { FederationError, FederationErrorCode, SubjectSummary, SubjectToken } from "@fedkit/core";
import type { HttpResponse } from "@fedkit/core/provider";
import {
  clockSkewHint,
  cloudFailure,
  measureClockSkew,
  outageCode,
  unreadableMessage,
} from "@fedkit/core/provider";
import { parseEntraError } from "./entra-error.js";

/** What the hints need to know about the request. @internal */
export interface HintContext {
  readonly subject: SubjectSummary;
  readonly clientId: string;
  readonly tenantId: string;
  /** The audience the federated identity credential is expected to list. */
  readonly audience: string;
  readonly scope: string;
  /** The assertion itself (its times measure clock skew); never shown. */
  readonly token?: SubjectToken;
}

const show = (value: string | readonly string[] | undefined): string =>
  value === undefined ? "(none)" : `'${[value].flat().join("', '")}'`;

/**
 * AADSTS numbers fedkit knows: the fedkit code and the hint template. `{P}` is the presented claims, `{N}` the
 * same followed by "no federated credential has that", `{F}` the credential the app needs, `{I}` the issuer,
 * `{U}` the subject, `{S}` the scope, `{C}` the client id, `{T}` the tenant, `{K}` the measured clock skew.
 * Templates rather than functions keep the edge bundle small.
 */
const RULES: Readonly<Record<number, readonly [FederationErrorCode, string]>> = {
  70021: ["subject_mismatch", "{P}; {F}. A new credential may take minutes to propagate."],
  700211: ["issuer_untrusted", "{N} issuer. {F}."],
  700212: ["audience_mismatch", "{N} audience. {F}."],
  700213: ["subject_mismatch", "{N} subject. {F}."],
  7002138: [
    "subject_mismatch",
    "{P}; a federated credential matches it except for case (Entra compares case-sensitively): use exactly {U}.",
  ],
  700024: ["expired_subject_token", "{K}"],
  700027: [
    "invalid_subject_token",
    "Entra could not verify the assertion: sign with RS256, with a key in the JWKS of issuer {I}.",
  ],
  7000272: [
    "invalid_subject_token",
    "The assertion's kid is not in the JWKS of issuer {I}: publish keys before use, keep old ones after rotation.",
  ],
  5002730: ["invalid_subject_token", "Entra accepts RS256 assertions only."],
  70011: ["invalid_request", "Entra rejected scope '{S}': ask for one '<resource>/.default'."],
  7000215: [
    "config",
    "Entra saw a client secret, but fedkit sends none: check client id {C} and that no proxy adds one.",
  ],
  700016: ["config", "No application {C} in tenant {T}: check AZURE_CLIENT_ID and AZURE_TENANT_ID."],
  90002: [
    "config",
    "No tenant '{T}' at this authority: check AZURE_TENANT_ID and the authority host's cloud.",
  ],
};

function hint(template: string, c: HintContext, skew: number | undefined): string {
  const { iss, sub, aud } = c.subject;
  const presented = `Presented iss=${show(iss)}, sub=${show(sub)}, aud=${show(aud)}`;
  const values: Record<string, string> = {
    P: presented,
    N: `${presented}; no federated credential of the app has that`,
    F: `App ${c.clientId} (tenant ${c.tenantId}) takes only assertions matching a federated credential's issuer, subject and audience '${c.audience}' exactly; add one only for an identity meant to use this app (another deploy context's or site's token is supposed to be refused: give it its own app)`,
    I: show(iss),
    U: show(sub),
    S: c.scope,
    C: c.clientId,
    T: c.tenantId,
  };
  if (template === "{K}") return skewHint(c, skew);
  return template.replace(/\{([A-Z])\}/g, (_, key: string) => values[key] ?? "");
}

function skewHint(c: HintContext, skew: number | undefined): string {
  if (c.token === undefined)
    return "Assertion expired or not yet valid (exp/nbf): clock skew with the issuer, or an old token; change no credential.";
  const { iat, nbf } = c.token.claims;
  // Entra says "not within its valid time range" for both: the cloud's clock before nbf means not yet valid.
  const notBefore = typeof nbf === "number" && typeof iat === "number" ? nbf - iat : 0;
  const early = skew !== undefined && skew < notBefore;
  return clockSkewHint("Entra", early ? "not_yet_valid" : "expired", skew, c.token);
}

/** Whether Entra answered AADSTS70021, which can happen while a new credential propagates. @internal */
export function isPropagationError(response: HttpResponse): boolean {
  return response.status === 400 && parseEntraError(response.text)?.aadsts === 70021;
}

/**
 * Turns a non-200 answer of the token endpoint into a {@link FederationError}.
 * @internal
 */
export function entraFailure(response: HttpResponse, context: HintContext): FederationError {
  const entra = parseEntraError(response.text);
  const failure = { provider: "azure", subject: context.subject } as const;
  const unavailable = "Entra is unavailable or throttling; try later.";
  if (entra === undefined) {
    const message = unreadableMessage("Entra", response, "an Entra error (JSON with an error field)");
    return cloudFailure(response, { ...failure, message, unreadableHints: { unavailable } });
  }
  // Outages and throttling are reported as such whatever the body says; they are worth retrying later.
  const outage = outageCode(response.status);
  const rule = outage || entra.aadsts === undefined ? undefined : RULES[entra.aadsts];
  const code =
    outage ??
    rule?.[0] ??
    (/^invalid_(request|scope)$/.test(entra.error) ? "invalid_request" : "access_denied");
  const hintText = rule
    ? hint(rule[1], context, context.token && measureClockSkew(response.headers, context.token))
    : outage && unavailable;
  return cloudFailure(response, {
    ...failure,
    message: `Entra refused the token request: ${entra.description || entra.error}`,
    refusal: {
      code,
      retryable: outage !== undefined || entra.aadsts === 70021,
      ...(hintText && { hint: hintText }),
      cloudCode: entra.aadsts === undefined ? entra.error : `AADSTS${entra.aadsts}`,
      cloudMessage: entra.description,
      ...(entra.correlationId && { requestId: entra.correlationId }),
      ...(entra.traceId && { traceId: entra.traceId }),
    },
  });
}
