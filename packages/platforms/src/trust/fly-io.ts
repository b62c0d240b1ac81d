/**
 * Fly.io trust: the Machines of one app (`ORG:APP:MACHINE`).
 *
 * @packageDocumentation
 */
import { type PlatformTrust, platformTrust } from "./platform-trust.js";

/** A Fly app. @public */
export interface FlyIdentity {
  readonly org: string;
  readonly orgId: string;
  readonly app: string;
  readonly appId: string;
  /** Default `https://oidc.fly.io/<org>`. */
  readonly issuer?: string;
}

/**
 * The trust of every Machine of one app: AWS `StringLike` `ORG:APP:*` (Machines come and go; org and app
 * names hold no `:`), GCP pins `org_id` and `app_id`. Entra needs one exact subject per Machine, which does
 * not fit Machines that are replaced on deploy: use AWS or GCP, or a fixed Machine.
 *
 * @example
 * ```ts
 * import { flyTrust } from "@fedkit/platforms/trust";
 * const trust = flyTrust({ org: "acme", orgId: "o1", app: "reports", appId: "a1" });
 * ```
 * @public
 */
export function flyTrust(identity: FlyIdentity): PlatformTrust {
  const { org, app } = identity;
  if (/[*?:/\s]/.test(org + app) || !org || !app || !identity.orgId || !identity.appId)
    throw new TypeError("flyTrust: org, orgId, app and appId are exact values");
  return platformTrust({
    platform: "fly-io",
    issuer: identity.issuer ?? `https://oidc.fly.io/${org}`,
    awsSubject: `${org}:${app}:*`,
    gcpPins: { org_id: identity.orgId, app_id: identity.appId },
    gcpPrincipal: { attribute: "app_id", value: identity.appId },
    context: app,
    contexts: "shared",
    entraNote:
      "Entra matches one exact sub (ORG:APP:MACHINE) and Machines are replaced on deploy: not a fit.",
  });
}
