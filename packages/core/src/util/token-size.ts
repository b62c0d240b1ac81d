/**
 * The size cap of subject tokens, shared by decoding and the sources that read a token (request header, file).
 *
 * @packageDocumentation
 */
import { type FederationError, fail } from "../errors.js";

/**
 * Longest subject token fedkit reads, in characters (a JWT is ASCII, so also bytes): 16 KiB. Real OIDC tokens are
 * 1–4 KiB (Entra's largest with group claims stay under 8 KiB); anything longer is refused before it is decoded,
 * so a hostile source cannot make fedkit parse megabytes of JSON per request.
 * @public
 */
export const MAX_SUBJECT_TOKEN_LENGTH = 16_384;

/** The error of a token over {@link MAX_SUBJECT_TOKEN_LENGTH}; says how long, never what. @internal */
export function tooLong(length: number): FederationError {
  return fail(
    "invalid_subject_token",
    `The subject token is over ${MAX_SUBJECT_TOKEN_LENGTH} characters (${length} seen).`,
    "core",
    "Pass one OIDC token (a few KiB).",
  );
}
