/**
 * Vercel trust: one project in one environment (`owner:TEAM:project:PROJECT:environment:ENV`).
 *
 * @packageDocumentation
 */
import { type PlatformTrust, platformTrust } from "./platform-trust.js";

/** A Vercel project in one environment. @public */
export interface VercelIdentity {
  /** The team slug (issuer mode "team"). */
  readonly team: string;
  readonly teamId: string;
  readonly project: string;
  readonly projectId: string;
  /** `production`, `preview`, `development` or a custom environment. */
  readonly environment: string;
  /** Default `https://oidc.vercel.com/<team>`. */
  readonly issuer?: string;
}

/**
 * The trust of one project in one environment. Vercel's tokens differ per environment (so do its variables):
 * trusting `environment:production` keeps previews out on every cloud. They carry one audience for every cloud,
 * `https://vercel.com/TEAM` (team issuer mode), which the trust names: the AWS provider's client id and the
 * role's `aud` condition, the GCP provider's allowed audiences, and the Entra credential's audience.
 *
 * @example
 * ```ts
 * import { vercelTrust } from "@fedkit/platforms/trust";
 * const trust = vercelTrust({ team: "acme", teamId: "team_1", project: "reports", projectId: "prj_1", environment: "production" });
 * ```
 * @public
 */
export function vercelTrust(identity: VercelIdentity): PlatformTrust {
  const { team, project, environment } = identity;
  if (/[*?:/\s]/.test(team + project + environment) || !team || !project || !environment)
    throw new TypeError("vercelTrust: team, project and environment are exact values");
  const subject = `owner:${team}:project:${project}:environment:${environment}`;
  return platformTrust({
    platform: "vercel",
    issuer: identity.issuer ?? `https://oidc.vercel.com/${team}`,
    audience: `https://vercel.com/${team}`,
    subject,
    awsSubject: subject,
    gcpPins: { owner_id: identity.teamId, project_id: identity.projectId, environment },
    gcpPrincipal: { attribute: "project_id", value: identity.projectId },
    context: environment,
    contexts: "separate",
    entraNote:
      "Entra matches sub exactly and it contains the team and project slugs: renaming either breaks it.",
  });
}
