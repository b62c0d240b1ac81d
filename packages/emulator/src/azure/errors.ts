/**
 * Entra's error answers: the v2 endpoint's JSON body with real AADSTS codes and its description format
 * (`AADSTS<code>: <message> Trace ID: … Correlation ID: … Timestamp: …`).
 *
 * @packageDocumentation
 */

/** One AADSTS failure: OAuth error, number and message. @public */
export interface EntraFailure {
  readonly error: string;
  readonly code: number;
  readonly message: string;
}

const WORKLOAD_DOCS =
  "https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation";

/** The failures the emulated token endpoint produces. @internal */
export const aadsts = {
  tenantNotFound: (tenant: string): EntraFailure => ({
    error: "invalid_request",
    code: 90002,
    message: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  }),
  appNotFound: (clientId: string, tenant: string): EntraFailure => ({
    error: "unauthorized_client",
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
  }),
  unsupportedGrant: (): EntraFailure => ({
    error: "unsupported_grant_type",
    code: 70003,
    message: "The app requested an unsupported grant type.",
  }),
  missingParameter: (name: string): EntraFailure => ({
    error: "invalid_request",
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  missingCredential: (): EntraFailure => ({
    error: "invalid_client",
    code: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  invalidSecret: (clientId: string): EntraFailure => ({
    error: "invalid_client",
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  malformedAssertion: (): EntraFailure => ({
    error: "invalid_request",
    code: 50027,
    message: "JWT token is invalid or malformed.",
  }),
  unsupportedAlg: (): EntraFailure => ({
    error: "invalid_request",
    code: 5002730,
    message: "Invalid JWT token. Unsupported key for the signing algorithm.",
  }),
  noMatch: (iss: string, sub: string, aud: string): EntraFailure => ({
    error: "invalid_request",
    code: 70021,
    message: `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${aud}'. ${WORKLOAD_DOCS}`,
  }),
  issuerNoMatch: (iss: string): EntraFailure => ({
    error: "invalid_client",
    code: 700211,
    message: `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WORKLOAD_DOCS}`,
  }),
  audienceNoMatch: (aud: string): EntraFailure => ({
    error: "invalid_client",
    code: 700212,
    message: `No matching federated identity record found for presented assertion audience '${aud}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WORKLOAD_DOCS}`,
  }),
  subjectNoMatch: (sub: string): EntraFailure => ({
    error: "invalid_client",
    code: 700213,
    message: `No matching federated identity record found for presented assertion subject '${sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WORKLOAD_DOCS}`,
  }),
  subjectCase: (sub: string): EntraFailure => ({
    error: "invalid_client",
    code: 7002138,
    message: `No matching federated identity record found for presented assertion subject '${sub}'. Please note that matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. ${WORKLOAD_DOCS}`,
  }),
  expired: (now: number, nbf: number | undefined, exp: number | undefined): EntraFailure => ({
    error: "invalid_client",
    code: 700024,
    message: `Client assertion is not within its valid time range. Current time: ${iso(now)}, assertion valid from ${nbf === undefined ? "(none)" : iso(nbf * 1000)}, expiry time of assertion ${exp === undefined ? "(none)" : iso(exp * 1000)}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .`,
  }),
  keyNotFound: (kid: string, iss: string): EntraFailure => ({
    error: "invalid_client",
    code: 7000272,
    message: `The certificate with identifier '${kid}' used to sign the federated credential could not be found in the metadata of identity provider '${iss}'.`,
  }),
  badSignature: (): EntraFailure => ({
    error: "invalid_client",
    code: 700027,
    message: "Client assertion failed signature validation.",
  }),
  issuerUnreachable: (): EntraFailure => ({
    error: "invalid_request",
    code: 50166,
    message: "Request to External OIDC endpoint failed.",
  }),
  invalidScope: (scope: string): EntraFailure => ({
    error: "invalid_scope",
    code: 70011,
    message: `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  resourceNotFound: (resource: string, tenant: string): EntraFailure => ({
    error: "invalid_resource",
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
};

function iso(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace("T", " ");
}

/** Renders a failure as Entra does: 401 for `invalid_client`, else 400. @internal */
export function entraErrorResponse(
  failure: EntraFailure,
  ids: { traceId: string; correlationId: string; now: number },
): Response {
  const timestamp = iso(ids.now);
  const body = {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.message} Trace ID: ${ids.traceId} Correlation ID: ${ids.correlationId} Timestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: ids.traceId,
    correlation_id: ids.correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  };
  return Response.json(body, {
    status: failure.error === "invalid_client" ? 401 : 400,
    headers: {
      "cache-control": "no-store, no-cache",
      "x-ms-request-id": ids.traceId,
      "client-request-id": ids.correlationId,
    },
  });
}
