/**
 * Reads the SigV4 parameters from either the `Authorization` header or a presigned URL's query string.
 */
import type { SigV4FailureReason } from "./sigv4-errors.js";

/** @internal */
export interface SigV4Params {
  readonly presigned: boolean;
  readonly accessKeyId: string;
  readonly scope: { readonly date: string; readonly region: string; readonly service: string };
  readonly signedHeaders: readonly string[];
  readonly signature: string;
  /** `YYYYMMDDTHHMMSSZ`, from `X-Amz-Date` (header or query) or the `Date` header. */
  readonly amzDate: string | undefined;
  readonly expires: string | undefined;
  readonly sessionToken: string | undefined;
}

/** @internal */
export type ParseResult =
  | { ok: true; params: SigV4Params }
  | { ok: false; reason: SigV4FailureReason; detail?: string };

const ALGORITHM = "AWS4-HMAC-SHA256";

function parseCredential(value: string): { accessKeyId: string; scope: SigV4Params["scope"] } | undefined {
  const parts = value.split("/");
  if (parts.length !== 5 || parts[4] !== "aws4_request" || !/^\d{8}$/.test(parts[1]!)) return undefined;
  const [accessKeyId, date, region, service] = parts as [string, string, string, string];
  if (!accessKeyId || !region || !service) return undefined;
  return { accessKeyId, scope: { date, region, service } };
}

/** `Date: Sun, 30 Aug 2015 12:36:00 GMT` → `20150830T123600Z`. */
function fromHttpDate(value: string | null): string | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms)
    ? undefined
    : new Date(ms)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "");
}

function fromHeader(authorization: string, headers: Headers): ParseResult {
  const space = authorization.indexOf(" ");
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM)
    return { ok: false, reason: "unsupported_algorithm", detail: `expected ${ALGORITHM}` };
  const fields = new Map<string, string>();
  for (const item of authorization.slice(space + 1).split(",")) {
    const eq = item.indexOf("=");
    if (eq !== -1) fields.set(item.slice(0, eq).trim(), item.slice(eq + 1).trim());
  }
  const credential = parseCredential(fields.get("Credential") ?? "");
  const signedHeaders = fields.get("SignedHeaders");
  const signature = fields.get("Signature");
  if (!credential || !signedHeaders || !signature)
    return {
      ok: false,
      reason: "malformed_authorization",
      detail: "expected Credential, SignedHeaders and Signature",
    };
  return {
    ok: true,
    params: {
      presigned: false,
      ...credential,
      signedHeaders: signedHeaders.split(";").map((h) => h.trim().toLowerCase()),
      signature,
      amzDate: headers.get("x-amz-date") ?? fromHttpDate(headers.get("date")),
      expires: undefined,
      sessionToken: headers.get("x-amz-security-token") ?? undefined,
    },
  };
}

function fromQuery(query: URLSearchParams): ParseResult {
  if (query.get("X-Amz-Algorithm") !== ALGORITHM)
    return {
      ok: false,
      reason: "unsupported_algorithm",
      detail: `X-Amz-Algorithm only supports "${ALGORITHM}"`,
    };
  const credential = parseCredential(query.get("X-Amz-Credential") ?? "");
  const signedHeaders = query.get("X-Amz-SignedHeaders");
  const signature = query.get("X-Amz-Signature");
  if (!credential || !signedHeaders || !signature || !query.get("X-Amz-Date"))
    return {
      ok: false,
      reason: "malformed_authorization",
      detail:
        "Query-string authentication requires X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Signature",
    };
  return {
    ok: true,
    params: {
      presigned: true,
      ...credential,
      signedHeaders: signedHeaders.split(";").map((h) => h.trim().toLowerCase()),
      signature,
      amzDate: query.get("X-Amz-Date") ?? undefined,
      expires: query.get("X-Amz-Expires") ?? undefined,
      sessionToken: query.get("X-Amz-Security-Token") ?? undefined,
    },
  };
}

/** Finds and parses the SigV4 parameters of a request. @internal */
export function parseSigV4(request: Request, url: URL): ParseResult {
  const authorization = request.headers.get("authorization");
  const presigned = url.searchParams.has("X-Amz-Algorithm") || url.searchParams.has("X-Amz-Signature");
  if (authorization && presigned) return { ok: false, reason: "conflicting_authentication" };
  if (authorization) return fromHeader(authorization.trim(), request.headers);
  if (presigned) return fromQuery(url.searchParams);
  return { ok: false, reason: "missing_authentication" };
}
