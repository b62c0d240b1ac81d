/**
 * What Entra really answers for each AADSTS code the emulated token endpoint produces: the OAuth `error`, the HTTP
 * status and, where a real body is public, the message text after `AADSTS<code>: ` up to the trace part. Sources are
 * public bodies in GitHub issues (URL per entry), Microsoft's error-code reference, and ../shared/oracles/azure.
 * `status` follows Entra's rule seen in every public body: 401 for `invalid_client`, 400 otherwise.
 */
export interface RealEntraError {
  readonly error: string;
  readonly status: number;
  /** The start of the real message, where a real body or message text is public. */
  readonly message?: RegExp;
  /** Where the shape comes from; "model" where no public body was found (the code family's shape is used). */
  readonly source: string;
}

const NO_RECORD = "No matching federated identity record found for presented assertion";

export const REAL_ENTRA_ERRORS: Readonly<Record<number, RealEntraError>> = {
  70021: {
    error: "invalid_request",
    status: 400,
    message: new RegExp(
      `^${NO_RECORD}\\. Assertion Issuer: '.+'\\. Assertion Subject: '.+'\\. Assertion Audience: '.+'\\.`,
    ),
    source: "../shared/oracles/azure (verbatim body, Azure/azure-workload-identity#616)",
  },
  700211: {
    error: "invalid_client",
    status: 401,
    message: new RegExp(
      `^${NO_RECORD} issuer '.+'\\. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion\\.`,
    ),
    source: "https://github.com/Azure/azure-workload-identity/issues/1200 (full body)",
  },
  700212: {
    error: "invalid_client",
    status: 401,
    message: new RegExp(`^${NO_RECORD} audience '.+'\\.`),
    source: "model: no public body (oracle notFound); the 70021x family's shape",
  },
  700213: {
    error: "invalid_client",
    status: 401,
    message: new RegExp(`^${NO_RECORD} subject '.+'\\.`),
    source:
      "message: Azure/azure-workload-identity#1200, dotnet/maui#31978; error/status: the family (7002137 body in microsoft/Agents#202)",
  },
  7002138: {
    error: "invalid_client",
    status: 401,
    message: new RegExp(
      `^${NO_RECORD} subject '.+'\\. Please note that matching is done using a case-sensitive comparison\\.`,
    ),
    source: "message: Azure/login#517 and the oracle's SOURCE.md; error/status: the family",
  },
  700024: {
    error: "invalid_client",
    status: 401,
    message:
      /^Client assertion is not within its valid time range\. Current time: .+, expiry time of assertion .+/,
    source: "../shared/oracles/azure SOURCE.md (a real 401 body)",
  },
  7000215: {
    error: "invalid_client",
    status: 401,
    message: /^Invalid client secret provided\./,
    source: "../shared/oracles/azure SOURCE.md (a real 401 body)",
  },
  7000218: {
    error: "invalid_client",
    status: 401,
    source: "Entra error-code reference (client authentication)",
  },
  700027: {
    error: "invalid_client",
    status: 401,
    source: "Entra error-code reference (client authentication)",
  },
  7000272: { error: "invalid_client", status: 401, source: "model: no public body found" },
  50166: {
    error: "invalid_request",
    status: 400,
    message: /^Request to External OIDC endpoint failed\.( |$)/,
    source: "https://github.com/Azure/azure-workload-identity/issues/642 (full body)",
  },
  70011: {
    error: "invalid_scope",
    status: 400,
    source: "Entra error-code reference sample response (learn.microsoft.com …/reference-error-codes)",
  },
  50027: { error: "invalid_request", status: 400, source: "model: no public body found" },
  5002730: { error: "invalid_request", status: 400, source: "model: no public body found" },
  500011: { error: "invalid_resource", status: 400, source: "Entra error-code reference" },
  700016: { error: "unauthorized_client", status: 400, source: "Entra error-code reference" },
  90002: { error: "invalid_request", status: 400, source: "Entra error-code reference" },
  70003: {
    error: "unsupported_grant_type",
    status: 400,
    source: "RFC 6749 §5.2, Entra error-code reference",
  },
  900144: { error: "invalid_request", status: 400, source: "Entra error-code reference" },
};
