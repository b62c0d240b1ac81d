import type { AzureTrustPolicy } from "./clouds/azure.js";
import { resolveTarget } from "./clouds/registry.js";
import type { FedkitConfig } from "./config.js";
import { issuerHostPath, issuerUrl } from "./issuer/issuer-url.js";
import { subjectFor, userSubjectPattern } from "./issuer/subject.js";

/** Options of {@link trustPolicyFor}. @public */
export interface TrustPolicyOptions {
  /** The deploy context whose issuer the cloud should trust. Default `production`. */
  readonly context?: string;
}

/**
 * The cloud-side trust document for one target, derived from the same config the runtime enforces: the AWS
 * role trust policy (principal = the context's IAM OIDC provider, `aud` and `sub` pinned), the Entra federated
 * identity credentials ({@link AzureTrustPolicy}: issuer, the exact subject, one audience, as JSON and as the
 * `az` command), or whatever the target's cloud plugin returns (GCP provider attribute condition). Pure: no I/O.
 *
 * @example
 * ```ts
 * import config from "./netlify/fedkit.config.js";
 * console.log(JSON.stringify(trustPolicyFor(config, "reports"), null, 2));
 * ```
 * @public
 */
export function trustPolicyFor(
  config: FedkitConfig,
  targetName: string,
  options: TrustPolicyOptions = {},
): unknown {
  const context = options.context ?? "production";
  const { target, plugin } = resolveTarget(config, targetName);
  const issuer = issuerUrl(config.siteUrl, context);
  const subjects = new Set<string>();
  const subjectPatterns = new Set<string>();
  const functions = new Set<string>();
  for (const [functionName, grants] of Object.entries(config.functions)) {
    const grant = Object.hasOwn(grants, targetName) ? grants[targetName] : undefined;
    if (grant === undefined) continue;
    if (grant.identity === "user") {
      subjectPatterns.add(userSubjectPattern(config.siteId, context));
    } else {
      functions.add(functionName);
      subjects.add(
        subjectFor({ siteId: config.siteId, context, functionName }, target.subject ?? "function"),
      );
    }
  }
  return plugin.trustPolicy({
    target,
    targetName,
    issuer,
    issuerHostPath: issuerHostPath(issuer),
    audience: target.audience ?? plugin.audience(target, { siteId: config.siteId, context, targetName }),
    subjects: [...subjects].sort(),
    subjectPatterns: [...subjectPatterns].sort(),
    functions: [...functions].sort(),
    context,
    siteId: config.siteId,
  });
}
