/**
 * Pattern scrubbing of text that came from outside (a cloud's error message), shared by errors and ids.
 *
 * @packageDocumentation
 */

/*
 * Token shapes, each anchored so it can only start where a token can (no base64 character before it): every
 * alternative then scans a run at most a few times, so the whole pass stays linear on hostile input.
 * 1. JWT/JWS: three base64url segments, either `eyJ...` or any header and payload of 16+ characters (a header
 *    `{ "alg"...` encodes to `eyAi...`; hostnames and dotted names have shorter labels).
 * 2. AWS access key ids. 3. Google access tokens. 4. Base64 of 100+ characters (AWS session tokens `IQoJ...`,
 *    `FwoG...`), kept only when it cannot be a path: see {@link isPathLike}.
 */
const TOKENISH =
  /(?<![\w-])(?:eyJ[\w-]{4,}\.[\w-]{4,}|[\w-]{16,}\.[\w-]{16,})\.[\w-]*|\b(?:AKIA|ASIA)[A-Z\d]{12,}\b|\bya29\.[\w.-]+|(?<![A-Za-z\d+/])([A-Za-z\d+/]{100,}=*)/g;

/** What replaces a secret, everywhere fedkit redacts. @internal */
export const REDACTED = "[redacted]";

/** A URL path or resource name has short `/`-separated words and no `+` or `=`; random base64 does not. */
const isPathLike = (text: string): boolean => !/[+=]|[^/]{24}/.test(text);

/**
 * Removes anything that looks like a token from text that came from outside (a cloud's error message), so it
 * can be shown and logged: JWTs (Entra, Google and GitHub ID tokens, whatever their header), AWS access key
 * ids (`AKIA...`, `ASIA...`) and session tokens (base64 of 100+ characters), Google access tokens (`ya29.`).
 * Ordinary words, ARNs, URLs, UUIDs and hex request ids are left as they are. Linear in the text's length.
 *
 * @example
 * ```ts
 * scrub("bad token eyJhbGciOi.eyJzdWIi.sig"); // "bad token [redacted]"
 * ```
 * @public
 */
export function scrub(text: string): string {
  // Every token shape needs a "." (JWTs, `ya29.`), `AKIA`/`ASIA` (case-sensitive, as in the pattern) or 100+
  // characters (base64). Text with none of them, such as the request id of every successful exchange, skips the
  // pattern, whose first use compiles it: the two request-id checks of a fresh Deno isolate's first exchange took
  // ~0.35 ms with it and ~0.19 ms without (measured at the call site).
  return text.length > 99 || /\.|A[KS]IA/.test(text) ? redactTokenShapes(text) : text;
}

/** {@link scrub} without the shortcut: the token pattern applied to any text. @internal */
export function redactTokenShapes(text: string): string {
  return text.replace(TOKENISH, (match, base64?: string) =>
    base64 !== undefined && isPathLike(base64) ? match : REDACTED,
  );
}
