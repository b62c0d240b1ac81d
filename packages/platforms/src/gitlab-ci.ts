/**
 * GitLab CI: an `id_tokens` token from the variable the job names, and the trust of one project and ref.
 *
 * Subject grammar (docs.gitlab.com, "OpenID Connect (OIDC) Authentication Using ID Tokens"; `jwt_v2.rb`):
 * `project_path:GROUP/PROJECT:ref_type:branch|tag:ref:REF`. The audience is set in `.gitlab-ci.yml` per variable,
 * so the source checks that the token carries the audience the cloud expects.
 *
 * @packageDocumentation
 */
import type { SubjectTokenSource } from "@fedkit/core";
import { checkAudience, type EnvInput, missing, platformSource, readEnv } from "./source.js";
import { type PlatformTrust, platformTrust } from "./trust.js";

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

/** A GitLab project and ref. @public */
export interface GitlabCiIdentity {
  /** `group/project`. */
  readonly projectPath: string;
  /** The numeric project id, which a rename or transfer does not change. */
  readonly projectId: string;
  /** Default `main`. */
  readonly ref?: string;
  readonly refType?: "branch" | "tag";
  /** Default `https://gitlab.com` (a self-managed instance: its URL). */
  readonly issuer?: string;
}

/**
 * The trust of one project and ref. AWS and Entra see only `sub`, which holds the project PATH: moving or
 * renaming the project breaks them. GCP pins the immutable `project_id` and the ref as claims.
 *
 * @example
 * ```ts
 * import { gitlabCiTrust } from "@fedkit/platforms";
 * const trust = gitlabCiTrust({ projectPath: "acme/reports", projectId: "42", ref: "main" });
 * ```
 * @public
 */
export function gitlabCiTrust(identity: GitlabCiIdentity): PlatformTrust {
  const ref = identity.ref ?? "main";
  const refType = identity.refType ?? "branch";
  if (!/^[0-9]+$/.test(identity.projectId)) throw new TypeError("gitlabCiTrust: projectId is the numeric id");
  if (/[*?:]/.test(identity.projectPath + ref))
    throw new TypeError("gitlabCiTrust: path and ref are exact values");
  const subject = `project_path:${identity.projectPath}:ref_type:${refType}:ref:${ref}`;
  return platformTrust({
    platform: "gitlab-ci",
    issuer: identity.issuer ?? "https://gitlab.com",
    subject,
    awsSubject: subject,
    gcpPins: { project_id: identity.projectId, ref_type: refType, ref },
    gcpPrincipal: { attribute: "project_id", value: identity.projectId },
    context: `${refType}:${ref}`,
    contexts: "separate",
    entraNote:
      "Entra matches sub exactly and it contains the project path: moving or renaming the project breaks it.",
  });
}
