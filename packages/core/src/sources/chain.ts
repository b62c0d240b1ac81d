/**
 * Tries sources in order, like the AWS SDK's credential chain.
 *
 * @packageDocumentation
 */
import { MissingSubjectTokenError } from "../errors.js";
import type { SubjectTokenSource } from "../types.js";

/**
 * Yields the token of the first source that has one. It falls through only when a source has **no** token
 * ({@link MissingSubjectTokenError}); a present-but-invalid token fails the chain, so a bad bearer token never
 * falls back to a more privileged source.
 *
 * @example
 * ```ts
 * const source = chainSources(envToken("OIDC_TOKEN"), fileToken("/var/run/secrets/token"));
 * ```
 * @public
 */
export function chainSources(...sources: SubjectTokenSource[]): SubjectTokenSource {
  if (sources.length === 0) throw new TypeError("chainSources: pass at least one source");
  for (const s of sources) {
    if (typeof s?.getToken !== "function")
      throw new TypeError("chainSources: every argument must be a token source");
  }
  const name = `chain(${sources.map((s) => s.name).join(",")})`;
  return {
    name,
    async getToken(request) {
      for (const source of sources) {
        try {
          return await source.getToken(request);
        } catch (error) {
          if (!(error instanceof MissingSubjectTokenError)) throw error;
        }
      }
      // Missing, not invalid: a chain nested in another chain lets the outer one go on.
      throw new MissingSubjectTokenError(
        name,
        `No source in the chain had a token (${sources.map((s) => s.name).join(", ")}).`,
        {
          hint: "Provide the token through one of these sources.",
        },
      );
    },
  };
}
