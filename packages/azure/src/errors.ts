/**
 * Maps Entra's answers to {@link FederationError}s whose hints compare what was presented with the app
 * registration's federated credentials, without telling anyone to add a credential for whatever was refused (a
 * token of another deploy context is supposed to be refused), and call time-window refusals clock skew. Hints are
 * short; the longer explanations are in docs/azure.md ("Errors and their fixes"), keyed by AADSTS number.
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
  readonly token: SubjectToken;
}

const show = (value: string | readonly string[] | undefined): string =>
  value === undefined ? "(none)" : `'${[value].flat().join("', '")}'`;

/**
 * AADSTS numbers fedkit knows: the fedkit code and the hint template. `{P}` is the presented claims, `{F}` the
 * credential the app needs, `{I}` the issuer, `{U}` the subject, `{S}` the scope, `{C}` the client id, `{T}` the
 * tenant; `{K}` is the measured clock skew. Templates rather than functions keep the edge bundle small.
 */
const RULES: Readonly<Record<number, readonly [FederationErrorCode, string]>> = {
  70021: ["subject_mismatch", "{P}; {F} A new credential may take minutes to propagate."],
  700211: ["issuer_untrusted", "{P}; no federated credential of the app has that issuer. {F}"],
  700212: ["audience_mismatch", "{P}; no federated credential of the app has that audience. {F}"],
  700213: ["subject_mismatch", "{P}; no federated credential of the app has that subject. {F}"],
  7002138: ["subject_mismatch", "{P}; a credential differs only in case (Entra is case-sensitive): use {U}."],
  700024: ["expired_subject_token", "{K}"],
  700027: ["invalid_subject_token", "Sign with RS256 and a key in the JWKS of issuer {I}."],
  7000272: ["invalid_subject_token", "Publish the kid in the JWKS of issuer {I} before use; keep old keys."],
  5002730: ["invalid_subject_token", "Sign with RS256."],
  70011: ["invalid_request", "Ask for one '<resource>/.default' scope, not '{S}'."],
  7000215: ["config", "Entra saw a client secret; fedkit sends none: check proxies."],
  700016: ["config", "No application {C} in tenant {T}: check AZURE_CLIENT_ID and AZURE_TENANT_ID."],
  90002: ["config", "No tenant '{T}' here: check AZURE_TENANT_ID and the authority's cloud."],
};

function hint(template: string, c: HintContext, response: HttpResponse): string {
  const { iss, sub, aud } = c.subject;
  if (template === "{K}") {
    const skew = measureClockSkew(response.headers, c.token);
    const { iat, nbf } = c.token.claims;
    // Entra says "not within its valid time range" for both: the cloud's clock before nbf means not yet valid.
    const notBefore = typeof nbf === "number" && typeof iat === "number" ? nbf - iat : 0;
    const early = skew !== undefined && skew < notBefore;
    return clockSkewHint("Entra", early ? "not_yet_valid" : "expired", skew, c.token);
  }
  const values: Record<string, string> = {
    P: `Presented iss=${show(iss)}, sub=${show(sub)}, aud=${show(aud)}`,
    F: `App ${c.clientId} takes only an exact issuer, subject and audience '${c.audience}'; other contexts' tokens are supposed to be refused.`,
    I: show(iss),
    U: show(sub),
    S: c.scope,
    C: c.clientId,
    T: c.tenantId,
  };
  return template.replace(/\{([A-Z])\}/g, (_, key: string) => values[key] ?? "");
}

/** Whether Entra answered AADSTS70021, which can happen while a new credential propagates. @internal */
export function isPropagationError(response: HttpResponse): boolean {
  return response.status === 400 && parseEntraError(response.text)?.aadsts === 70021;
}

/**
 * Turns a non-200 answer of the token endpoint into a {@link FederationError}. Outages and throttling are
 * reported as such whatever the body says; they are worth retrying later.
 * @internal
 */
export function entraFailure(response: HttpResponse, context: HintContext): FederationError {
  const entra = parseEntraError(response.text);
  const outage = outageCode(response.status);
  const unavailable = "Entra is unavailable or throttling; try later.";
  const rule = outage || entra?.aadsts === undefined ? undefined : RULES[entra.aadsts];
  return cloudFailure(response, {
    provider: "azure",
    subject: context.subject,
    message: entra
      ? `Entra refused the token request: ${entra.description || entra.error}`
      : unreadableMessage("Entra", response, "Entra's error JSON"),
    unreadableHints: { unavailable },
    refusal: entra && {
      code:
        outage ??
        rule?.[0] ??
        (/^invalid_(request|scope)$/.test(entra.error) ? "invalid_request" : "access_denied"),
      retryable: outage !== undefined || entra.aadsts === 70021,
      hint: rule ? hint(rule[1], context, response) : outage && unavailable,
      cloudCode: entra.aadsts === undefined ? entra.error : `AADSTS${entra.aadsts}`,
      cloudMessage: entra.description,
      requestId: entra.correlationId,
      traceId: entra.traceId,
    },
  });
}
