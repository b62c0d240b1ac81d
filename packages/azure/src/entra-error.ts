/**
 * Entra's token-endpoint error body, parsed into fields fedkit can act on.
 *
 * @packageDocumentation
 */

import { readJsonObject } from "@fedkit/core/provider";

/**
 * The fields of an Entra (v2 endpoint) error answer that fedkit reads.
 * @public
 */
export interface EntraError {
  /** OAuth error: `invalid_request`, `invalid_client`, `invalid_scope`, `unauthorized_client`, ... */
  readonly error: string;
  /** The first `AADSTS` number, from `error_codes` or else the description. */
  readonly aadsts?: number;
  /** Every number in `error_codes`. */
  readonly errorCodes: readonly number[];
  /** The description without the trailing `Trace ID`/`Correlation ID`/`Timestamp` lines. */
  readonly description: string;
  readonly traceId?: string;
  readonly correlationId?: string;
}

const TRAILER = /(?:\r?\n|\s)+(?:Trace ID:|Correlation ID:|Timestamp:)[\s\S]*$/;
const AADSTS = /\bAADSTS(\d{4,8})\b/;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/**
 * Parses an Entra error body; `undefined` when the text is not JSON with a string `error` (a proxy's HTML page,
 * an empty body).
 *
 * @example
 * ```ts
 * parseEntraError('{"error":"invalid_scope","error_description":"AADSTS70011: ...","error_codes":[70011]}')?.aadsts; // 70011
 * ```
 * @public
 */
export function parseEntraError(body: string): EntraError | undefined {
  const record = readJsonObject(body) ?? {};
  const error = text(record["error"]);
  if (error === undefined) return undefined;
  const description = text(record["error_description"]) ?? "";
  const codes = record["error_codes"];
  const errorCodes: number[] = Array.isArray(codes) ? codes.filter(Number.isInteger) : [];
  const fromText = AADSTS.exec(description)?.[1];
  const aadsts = errorCodes[0] ?? (fromText ? Number(fromText) : undefined);
  const traceId = text(record["trace_id"]);
  const correlationId = text(record["correlation_id"]);
  // Only the fields Entra sent.
  return {
    error,
    errorCodes,
    description: description.replace(TRAILER, "").trim(),
    ...(aadsts !== undefined && { aadsts }),
    ...(traceId && { traceId }),
    ...(correlationId && { correlationId }),
  };
}
