/**
 * Maps Entra's answers to {@link FederationError}s whose hints compare what was presented with what the app
 * registration must contain.
 *
 * @packageDocumentation
 */

import type { HttpResponse } from "@fedkit/core";
import { FederationError, type FederationErrorCode, type SubjectSummary } from "@fedkit/core";
import { type EntraError, parseEntraError } from "./entra-error.js";

/** What the hints need to know about the request. @internal */
export interface HintContext {
  readonly subject: SubjectSummary;
  readonly clientId: string;
  readonly tenantId: string;
  /** The audience the federated identity credential is expected to list. */
  readonly audience: string;
  readonly scope: string;
}

interface Rule {
  readonly code: FederationErrorCode;
  readonly hint: (c: HintContext) => string;
  readonly retryable?: boolean;
}

const show = (value: string | readonly string[] | undefined): string =>
  value === undefined
    ? "(none)"
    : Array.isArray(value)
      ? value.map((v) => `'${v}'`).join(", ")
      : `'${value}'`;

const presented = (c: HintContext): string =>
  `The assertion presented iss=${show(c.subject.iss)}, sub=${show(c.subject.sub)}, aud=${show(c.subject.aud)}`;

const fic = (c: HintContext): string =>
  `app registration ${c.clientId} in tenant ${c.tenantId} needs a federated identity credential with issuer ${show(
    c.subject.iss,
  )}, subject ${show(c.subject.sub)} (exact, case-sensitive) and audience '${c.audience}'`;

const noMatch: Rule = {
  code: "subject_mismatch",
  retryable: true,
  hint: (c) =>
    `${presented(c)}; the ${fic(c)}. A credential created in the last few minutes may not have propagated yet.`,
};

/** AADSTS numbers fedkit knows, with the fedkit code and a fix. */
const RULES: Readonly<Record<number, Rule>> = {
  70021: noMatch,
  700211: {
    code: "issuer_untrusted",
    hint: (c) => `${presented(c)}; no federated credential of the app has that issuer. The ${fic(c)}.`,
  },
  700212: {
    code: "audience_mismatch",
    hint: (c) => `${presented(c)}; no federated credential of the app lists that audience. The ${fic(c)}.`,
  },
  7002121: {
    code: "audience_mismatch",
    hint: (c) => `${presented(c)}; no federated credential of the app lists that audience. The ${fic(c)}.`,
  },
  700213: {
    code: "subject_mismatch",
    hint: (c) => `${presented(c)}; no federated credential of the app has that subject. The ${fic(c)}.`,
  },
  7002138: {
    code: "subject_mismatch",
    hint: (c) =>
      `${presented(c)}; a federated credential matches the subject only when case is ignored, and Entra compares case-sensitively. Change the credential's subject to exactly ${show(c.subject.sub)}.`,
  },
  700024: {
    code: "expired_subject_token",
    hint: () =>
      "The assertion is outside its validity window (exp/nbf) for Entra: get a fresh token, keep its lifetime under an hour, and check the clock of the machine that minted it.",
  },
  700027: {
    code: "invalid_subject_token",
    hint: (c) =>
      `Entra could not validate the assertion's signature. Sign with RS256 using a key published in the JWKS of issuer ${show(c.subject.iss)} (its /.well-known/openid-configuration jwks_uri must be reachable over https).`,
  },
  7000272: {
    code: "invalid_subject_token",
    hint: (c) =>
      `The assertion's signing key (kid) is not in the JWKS Entra fetched for issuer ${show(c.subject.iss)}. Publish the key before using it; after a rotation Entra may keep the old key set for a while, so keep the previous key published too.`,
  },
  5002730: {
    code: "invalid_subject_token",
    hint: () =>
      "Entra accepts federated assertions signed with RS256 only; sign the subject token with an RSA key.",
  },
  50027: {
    code: "invalid_subject_token",
    hint: () =>
      "Entra could not parse the assertion as a JWT: pass the raw subject token (header.payload.signature).",
  },
  700222: {
    code: "invalid_subject_token",
    hint: () =>
      "Entra-issued tokens cannot be used as federated assertions; use a token from your own OIDC issuer.",
  },
  70011: {
    code: "invalid_request",
    hint: (c) =>
      `Entra rejected the scope '${c.scope}'. Client credentials take exactly one '<resource>/.default' scope, e.g. 'https://storage.azure.com/.default'.`,
  },
  1002012: {
    code: "invalid_request",
    hint: (c) => `Entra rejected the scope '${c.scope}': use '<resource>/.default' with a single resource.`,
  },
  7000215: {
    code: "config",
    hint: (c) =>
      `Entra judged the client credential invalid. fedkit sends a federated assertion, never a secret: check that client id ${c.clientId} is the app that holds the federated credential and that nothing in between adds a client_secret.`,
  },
  700016: {
    code: "config",
    hint: (c) =>
      `Entra knows no application ${c.clientId} in tenant ${c.tenantId}: set clientId (AZURE_CLIENT_ID) to the app registration's Application (client) ID and tenantId (AZURE_TENANT_ID) to its Directory (tenant) ID.`,
  },
  90002: {
    code: "config",
    hint: (c) =>
      `Entra knows no tenant '${c.tenantId}' at this authority: set tenantId (AZURE_TENANT_ID) to the Directory (tenant) ID and the authority host to the tenant's cloud.`,
  },
  900023: {
    code: "config",
    hint: (c) =>
      `'${c.tenantId}' is not a valid tenant: use the Directory (tenant) ID GUID or a verified domain.`,
  },
};

/** Whether Entra answered AADSTS70021, which can happen while a new credential propagates. @internal */
export function isPropagationError(response: HttpResponse): boolean {
  return response.status === 400 && parseEntraError(response.text)?.aadsts === 70021;
}

function statusCode(status: number, entra: EntraError | undefined): FederationErrorCode {
  if (status === 429) return "throttled";
  if (status >= 500) return "provider_unavailable";
  if (entra?.error === "invalid_scope") return "invalid_request";
  if (entra?.error === "invalid_client" || entra?.error === "unauthorized_client") return "access_denied";
  return entra?.error === "invalid_request" ? "invalid_request" : "access_denied";
}

/**
 * Turns a non-200 answer of the token endpoint into a {@link FederationError}.
 * @internal
 */
export function entraFailure(response: HttpResponse, context: HintContext): FederationError {
  const entra = parseEntraError(response.text);
  const status = response.status;
  const base = {
    provider: "azure",
    status,
    subject: context.subject,
    attempts: response.attempts,
  };
  if (entra === undefined) {
    const type = response.headers.get("content-type") ?? "no content-type";
    const code = status === 429 ? "throttled" : status >= 500 ? "provider_unavailable" : "bad_response";
    return new FederationError(
      code,
      `Entra token endpoint answered HTTP ${status} (${type}) without an Entra error body`,
      { ...base, retryable: code !== "bad_response" },
    );
  }
  const transport = status === 429 || status >= 500;
  const rule = entra.aadsts === undefined || transport ? undefined : RULES[entra.aadsts];
  const code = rule?.code ?? statusCode(status, entra);
  const cloudCode = entra.aadsts === undefined ? entra.error : `AADSTS${entra.aadsts}`;
  const hint =
    rule?.hint(context) ?? (transport ? "Entra is unavailable or throttling; try again later." : undefined);
  return new FederationError(code, `Entra refused the token request: ${entra.description || entra.error}`, {
    ...base,
    cloudCode,
    cloudMessage: entra.description,
    ...(entra.correlationId === undefined ? {} : { requestId: entra.correlationId }),
    ...(entra.traceId === undefined ? {} : { traceId: entra.traceId }),
    ...(hint === undefined ? {} : { hint }),
    retryable: transport || rule?.retryable === true,
  });
}
