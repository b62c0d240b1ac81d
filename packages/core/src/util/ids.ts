/**
 * Request and trace ids a cloud echoes (`x-amzn-RequestId`, `x-ms-request-id`, `client-request-id`, Entra's
 * `trace_id` / `correlation_id`, Google's `x-goog-request-id`) are cloud-supplied text like any other: a hostile
 * or buggy endpoint can put a bearer in them. Real ids are short UUID, hex or base32 strings, so anything else is
 * replaced, not shown.
 *
 * @packageDocumentation
 */
import { REDACTED, scrub } from "./scrub.js";
import { leaksSecret } from "./secrets.js";

/** What an id that cannot be shown becomes. @internal */
export const REDACTED_ID = REDACTED;
/** Longest id kept (a UUID is 36 characters; the longest real ids seen are well under 100). @internal */
export const MAX_ID_LENGTH = 128;
/** The characters of real request ids: letters, digits, `-`, `_`, `.`, `:`. No `/`, `+`, `=` (base64 secrets). */
const ID_CHARSET = /^[A-Za-z0-9._:-]+$/;

/**
 * `value` when it is a plausible id (at most {@link MAX_ID_LENGTH} characters of `[A-Za-z0-9._:-]`, nothing
 * token-shaped per `scrub`, no piece of `secrets`), `"[redacted]"` otherwise, `undefined` for no value.
 * @internal
 */
export function cleanCloudId(value: unknown, secrets: readonly string[] = []): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") return REDACTED_ID;
  const id = value.trim();
  if (id === "") return undefined;
  // A secret inside the id (whole, or the signature that makes a JWS replayable), or an id that is a long piece
  // of a secret; the charset rule covers the rest (and keeps an id already redacted as "[redacted]").
  const bad =
    id.length > MAX_ID_LENGTH || !ID_CHARSET.test(id) || scrub(id) !== id || leaksSecret(id, secrets);
  return bad ? REDACTED_ID : id;
}
