/**
 * Reading a cloud's answer and writing its request: the small steps every provider repeats.
 *
 * @packageDocumentation
 */
import { fail } from "../errors.js";
import type { HttpResponse } from "../types.js";

/**
 * Parses a body as a JSON object; `undefined` when it is not one (an HTML page from a proxy, an empty body, an
 * array). Never throws. The body was already read through core's byte cap (`retry.maxResponseBytes`).
 *
 * @example
 * ```ts
 * import { readJsonObject } from "@fedkit/core/provider";
 * readJsonObject('{"error":"invalid_grant"}')?.["error"]; // "invalid_grant"
 * readJsonObject("<html>Bad Gateway</html>"); // undefined
 * ```
 * @public
 */
export function readJsonObject(text: string): Record<string, unknown> | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return undefined;
  try {
    const json: unknown = JSON.parse(trimmed);
    return json !== null && typeof json === "object" && !Array.isArray(json)
      ? (json as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first header among `names` that the answer carries (a request id under one of a cloud's names).
 *
 * @example
 * ```ts
 * import { firstHeader } from "@fedkit/core/provider";
 * firstHeader(new Headers({ "x-request-id": "r1" }), ["x-goog-request-id", "x-request-id"]); // "r1"
 * ```
 * @public
 */
export function firstHeader(headers: Headers, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) return value;
  }
  return undefined;
}

/**
 * An `application/x-www-form-urlencoded` body from fields, leaving out `undefined` ones (OAuth token endpoints,
 * STS queries).
 *
 * @example
 * ```ts
 * import { formBody } from "@fedkit/core/provider";
 * formBody({ grant_type: "client_credentials", scope: "a b", resource: undefined }); // "grant_type=client_credentials&scope=a+b"
 * ```
 * @public
 */
export function formBody(fields: Readonly<Record<string, string | undefined>>): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.set(name, value);
  return form.toString();
}

/**
 * When credentials stop working, in ms since the epoch, from a lifetime in seconds (OAuth's `expires_in`, as a
 * number or numeric string) counted from `now`. Anything that is not a positive finite number is a
 * `bad_response` naming the provider and the field, never a credential that looks valid forever.
 *
 * @example
 * ```ts
 * import { expiresAtFromLifetime } from "@fedkit/core/provider";
 * expiresAtFromLifetime(3599, 1_700_000_000_000, { provider: "azure", field: "expires_in" }); // 1_700_003_599_000
 * ```
 * @public
 */
export function expiresAtFromLifetime(
  seconds: unknown,
  now: number,
  where: { readonly provider: string; readonly field: string },
): number {
  const value = typeof seconds === "string" && seconds.trim() !== "" ? Number(seconds) : seconds;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0)
    throw fail("bad_response", `${where.provider} answered without a valid ${where.field}`, where.provider);
  return now + value * 1000;
}

/**
 * The content type of an answer as error messages show it.
 * @internal
 */
export function contentTypeOf(response: HttpResponse): string {
  return response.headers.get("content-type") || "no content-type";
}
