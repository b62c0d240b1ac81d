/**
 * GitLab CI: an `id_tokens` token from the variable the job names, (trust: `./trust/gitlab-ci.ts`).
 *
 * Subject grammar (docs.gitlab.com, "OpenID Connect (OIDC) Authentication Using ID Tokens"; `jwt_v2.rb`):
 * `project_path:GROUP/PROJECT:ref_type:branch|tag:ref:REF`. The audience is set in `.gitlab-ci.yml` per variable,
 * so the source checks that the token carries the audience the cloud expects.
 *
 * @packageDocumentation
 */
import type { SubjectTokenSource } from "@fedkit/core";
import { checkAudience, type EnvInput, missing, platformSource, readEnv } from "./source.js";

/**
 * Reads the job's `id_tokens` variable `name` (e.g. `AWS_ID_TOKEN` for `id_tokens: { AWS_ID_TOKEN: { aud: sts.amazonaws.com } }`).
 *
 * @throws MissingSubjectTokenError when the variable is unset (a chain falls through); FederationError
 * `audience_mismatch` when its `aud` is not the cloud's.
 * @example
 * ```ts
 * import { gitlabCiToken } from "@fedkit/platforms";
 * const source = gitlabCiToken("AWS_ID_TOKEN");
 * ```
 * @public
 */
export function gitlabCiToken(name: string, options: { readonly env?: EnvInput } = {}): SubjectTokenSource {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
    throw new TypeError("gitlabCiToken: pass the id_tokens variable name, e.g. 'AWS_ID_TOKEN'");
  const source = `gitlab-ci:${name}`;
  return platformSource(
    source,
    async () => {
      const value = readEnv(name, options.env);
      if (value === undefined)
        throw missing(
          source,
          `The id_tokens variable ${name} is not set.`,
          `Declare it under the job's id_tokens with the cloud's aud.`,
        );
      return value;
    },
    checkAudience(source),
  );
}
