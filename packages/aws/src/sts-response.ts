/**
 * Reading STS's awsQuery answers: `<OpResponse><OpResult>...` on success, `<ErrorResponse><Error>` on failure.
 *
 * @packageDocumentation
 */
import type { AwsCredentials } from "./credentials.js";
import { parseXml, StsParseError, xmlChild, xmlChildNamed, xmlChildText, xmlText } from "./xml.js";

export { StsParseError } from "./xml.js";

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

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * `text` as a string of its own. The session token is copied out of the answer: a slice would be a view into the
 * whole answer, kept alive with it, and Deno's header check reads a view at about half the speed of a string of its
 * own (~2 us a warm signed request, which sends the 1 KiB token each time). Text without a backslash, in quotes,
 * parses back to itself or fails (a quote or a control character in it): one parse, ~1.5 us less per exchange than
 * JSON's round trip (serialise, then parse), which is exact and takes the rest.
 */
function ownCopy(text: string): string {
  if (!text.includes("\\"))
    try {
      return JSON.parse(`"${text}"`);
    } catch {}
  return JSON.parse(JSON.stringify(text));
}

/** Sets the defined values of `fields` on `target` (optional properties stay absent, not `undefined`). */
function defined<T extends object>(target: T, fields: Record<string, unknown>): T {
  for (const key in fields)
    if (fields[key] !== undefined) (target as Record<string, unknown>)[key] = fields[key];
  return target;
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
  const root = parseXml(xml);
  if (root.name !== `${operation}Response`) {
    throw new StsParseError(`expected <${operation}Response>, got <${root.name}>`);
  }
  // Each element read by name with a plain loop (no path array, no callback): a cold exchange runs this in the
  // interpreter.
  const result = xmlChildNamed(root, `${operation}Result`);
  const creds = xmlChildNamed(result, "Credentials");
  const accessKeyId = xmlChildText(creds, "AccessKeyId");
  const secretAccessKey = xmlChildText(creds, "SecretAccessKey");
  const sessionToken = xmlChildText(creds, "SessionToken");
  const expiration = xmlChildText(creds, "Expiration");
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration) {
    const missing = CREDENTIAL_FIELDS.filter((field) => !xmlChildText(creds, field));
    throw new StsParseError(`Credentials lack ${missing.join(", ")}`);
  }
  const expiresAt = ISO_TIME.test(expiration) ? Date.parse(expiration) : Number.NaN;
  if (!Number.isFinite(expiresAt))
    throw new StsParseError(`Expiration "${expiration}" is not an ISO 8601 time`);
  const policySize = xmlChildText(result, "PackedPolicySize");
  const assumedRoleUser = xmlChildNamed(result, "AssumedRoleUser");
  // Each optional field is the element of the same name, lower camel case, written out: a property name built per
  // answer would be a new string to flatten and look up as a key each time.
  return defined<StsResult>(
    {
      credentials: defined(
        {
          kind: "aws",
          accessKeyId,
          secretAccessKey,
          sessionToken: ownCopy(sessionToken),
          expiresAt,
        } as AwsCredentials,
        { assumedRoleArn: xmlChildText(assumedRoleUser, "Arn") },
      ),
    },
    {
      assumedRoleId: xmlChildText(assumedRoleUser, "AssumedRoleId"),
      requestId: xmlChildText(xmlChildNamed(root, "ResponseMetadata"), "RequestId"),
      subjectFromWebIdentityToken: xmlChildText(result, "SubjectFromWebIdentityToken"),
      audience: xmlChildText(result, "Audience"),
      provider: xmlChildText(result, "Provider"),
      sourceIdentity: xmlChildText(result, "SourceIdentity"),
      packedPolicySize: policySize && Number(policySize),
    },
  );
}

const CREDENTIAL_FIELDS = ["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"] as const;

/**
 * Parses an STS (awsQuery) error body; also accepts a bare `<Error>` root as some proxies send.
 * @throws StsParseError when the document is not XML or has no error code.
 * @public
 */
export function parseStsError(xml: string): StsError {
  const root = parseXml(xml);
  const error = root.name === "Error" ? root : xmlChild(root, "Error");
  const code = xmlText(error, "Code");
  if (!code) throw new StsParseError(`no error code in <${root.name}>`);
  return defined<StsError>(
    { code },
    {
      type: xmlText(error, "Type"),
      message: xmlText(error, "Message"),
      requestId: xmlText(root, "RequestId") ?? xmlText(error, "RequestId"),
    },
  );
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
