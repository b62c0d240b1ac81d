/**
 * Reading STS's awsQuery answers: `<OpResponse><OpResult>...` on success, `<ErrorResponse><Error>` on failure.
 *
 * @packageDocumentation
 */
import type { AwsCredentials } from "./credentials.js";
import { parseXml, type XmlElement, xmlChild, xmlText } from "./xml.js";

/** What a successful `AssumeRole*` answer carries. @public */
export interface StsResult {
  readonly credentials: AwsCredentials;
  readonly assumedRoleId?: string;
  readonly subjectFromWebIdentityToken?: string;
  readonly audience?: string;
  readonly provider?: string;
  readonly sourceIdentity?: string;
  readonly packedPolicySize?: number;
  readonly requestId?: string;
}

/** An STS error body: `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`. @public */
export interface StsError {
  readonly type?: string;
  readonly code: string;
  readonly message?: string;
  readonly requestId?: string;
}

/** Why an answer could not be read; turned into `bad_response` by the caller. @internal */
export class StsParseError extends Error {
  override readonly name = "StsParseError";
}

/**
 * Parses a successful `AssumeRoleWithWebIdentity`, `AssumeRole` or `GetSessionToken` answer into credentials.
 *
 * @example
 * ```ts
 * const { credentials } = parseStsResult(xml, "AssumeRoleWithWebIdentity");
 * ```
 * @throws StsParseError when the document is not XML or lacks a credential field or a valid `Expiration`.
 * @public
 */
export function parseStsResult(xml: string, operation: string): StsResult {
  const root = readRoot(xml);
  if (root.name !== `${operation}Response`) {
    throw new StsParseError(`expected <${operation}Response>, got <${root.name}>`);
  }
  const result = xmlChild(root, `${operation}Result`);
  const creds = xmlChild(result, "Credentials");
  const values = CREDENTIAL_FIELDS.map((field) => xmlText(creds, field));
  const missing = CREDENTIAL_FIELDS.filter((_, i) => values[i] === undefined);
  if (missing.length > 0) throw new StsParseError(`Credentials lack ${missing.join(", ")}`);
  const [accessKeyId, secretAccessKey, sessionToken, expiration] = values as [string, string, string, string];
  const packed = xmlText(result, "PackedPolicySize");
  return omitUndefined({
    credentials: omitUndefined({
      kind: "aws" as const,
      accessKeyId,
      secretAccessKey,
      sessionToken,
      expiresAt: parseIsoTime(expiration),
      assumedRoleArn: xmlText(result, "AssumedRoleUser", "Arn"),
    }) as AwsCredentials,
    assumedRoleId: xmlText(result, "AssumedRoleUser", "AssumedRoleId"),
    subjectFromWebIdentityToken: xmlText(result, "SubjectFromWebIdentityToken"),
    audience: xmlText(result, "Audience"),
    provider: xmlText(result, "Provider"),
    sourceIdentity: xmlText(result, "SourceIdentity"),
    packedPolicySize: packed === undefined ? undefined : Number(packed),
    requestId: xmlText(root, "ResponseMetadata", "RequestId"),
  }) as StsResult;
}

const CREDENTIAL_FIELDS = ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"] as const;

/**
 * Parses an STS (awsQuery) error body; also accepts a bare `<Error>` root as some proxies send.
 * @throws StsParseError when the document is not XML or has no error code.
 * @public
 */
export function parseStsError(xml: string): StsError {
  const root = readRoot(xml);
  const error = root.name === "Error" ? root : xmlChild(root, "Error");
  const code = xmlText(error, "Code");
  if (!code) throw new StsParseError(`no error code in <${root.name}>`);
  return omitUndefined({
    type: xmlText(error, "Type"),
    code,
    message: xmlText(error, "Message"),
    requestId: xmlText(root, "RequestId") ?? xmlText(error, "RequestId"),
  }) as StsError;
}

/**
 * The STS error a body holds, else undefined; never throws.
 *
 * @example
 * ```ts
 * peekStsError(await response.text())?.code; // "Throttling"
 * ```
 * @internal
 */
export function peekStsError(xml: string): StsError | undefined {
  try {
    return parseStsError(xml);
  } catch {
    return undefined;
  }
}

function readRoot(xml: string): XmlElement {
  try {
    return parseXml(xml);
  } catch (cause) {
    throw new StsParseError(`not readable XML: ${(cause as Error).message}`);
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

function parseIsoTime(text: string): number {
  const ms = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new StsParseError(`Expiration "${text}" is not an ISO 8601 time`);
  return ms;
}

function omitUndefined<T extends object>(value: T): T {
  for (const key in value) if (value[key] === undefined) delete value[key];
  return value;
}
