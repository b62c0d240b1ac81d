/**
 * Sources that re-read a value on every call (environment, file, callback) return the same
 * {@link SubjectToken} object while the raw value is unchanged, so the engine's per-token key memo keeps the
 * cache-hit path free of hashing.
 *
 * @packageDocumentation
 */
import { decodeSubjectToken } from "../tokens.js";
import type { SubjectToken } from "../types.js";

/** Decodes (unverified) and remembers the last raw value. @internal */
export function lastDecoded(): (raw: string) => SubjectToken {
  let last: SubjectToken | undefined;
  return (raw) => {
    const value = raw.trim();
    if (last === undefined || last.raw !== value) last = decodeSubjectToken(value, "unverified");
    return last;
  };
}
