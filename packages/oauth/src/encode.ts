/**
 * How a token request's parameters go on the wire: form encoding (RFC 6749 §4.1.3, RFC 8693 §2.1, RFC 7523 §2.1)
 * or JSON, which OpenAI's and Anthropic's token endpoints take instead. Not the toolkit's `formBody`, which sets one
 * value per field: RFC 8693 repeats `resource` and `audience` for several targets, and JSON bodies carry arrays.
 *
 * @packageDocumentation
 */

/** The body encodings a token endpoint may take. @public */
export type BodyEncoding = "form" | "json";

/** Parameters of a token request: strings, or lists sent as repeated form fields / JSON arrays. @public */
export type TokenParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Encodes token request parameters; `undefined` values are left out. Lists are repeated form fields (RFC 8693
 * allows several `resource` and `audience` values) or JSON arrays.
 *
 * @example
 * ```ts
 * encodeTokenRequest({ grant_type: JWT_BEARER_GRANT, assertion: jwt }, "form");
 * // { body: "grant_type=urn%3A...&assertion=eyJ...", contentType: "application/x-www-form-urlencoded;charset=UTF-8" }
 * ```
 * @public
 */
export function encodeTokenRequest(
  params: TokenParams,
  encoding: BodyEncoding,
): { readonly body: string; readonly contentType: string } {
  const entries = Object.entries(params).filter(
    (entry): entry is [string, string | readonly string[]] => entry[1] !== undefined,
  );
  if (encoding === "json") {
    return { body: JSON.stringify(Object.fromEntries(entries)), contentType: "application/json" };
  }
  const form = new URLSearchParams();
  for (const [name, value] of entries) {
    for (const item of typeof value === "string" ? [value] : value) form.append(name, item);
  }
  return { body: form.toString(), contentType: "application/x-www-form-urlencoded;charset=UTF-8" };
}
