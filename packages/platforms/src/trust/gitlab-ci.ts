/**
 * GitLab CI trust: one project and ref (`project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF`).
 *
 * @packageDocumentation
 */
import { type PlatformTrust, platformTrust } from "./platform-trust.js";

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
 * import { gitlabCiTrust } from "@fedkit/platforms/trust";
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
