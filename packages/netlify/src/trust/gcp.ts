import { type GcpTrustConfig, gcpTrustConfig } from "@fedkit/gcp";
import { type GcpTargetConfig, resolveProvider, trustError } from "../clouds/gcp.js";
import type { TrustInput } from "../clouds/types.js";

/**
 * The Google side of the trust for a target, from `gcpTrustConfig`: the provider for the context's issuer
 * (attribute mapping, and a condition pinning site, context and the mapped functions) and the
 * `roles/iam.workloadIdentityUser` binding on the service account, as `gcloud` commands and as JSON.
 *
 * @example
 * ```ts
 * const trust = trustPolicyFor(config, "reports") as GcpTrustConfig;
 * console.log(trust.gcloud.join("\n"));
 * // ... --attribute-condition='assertion.site_id == "5b0c..." && assertion.context == "production" && assertion.function == "report"'
 * ```
 * @public
 */
export function gcpTrustPolicy(input: TrustInput<GcpTargetConfig>): GcpTrustConfig {
  const { target, targetName } = input;
  if (target.projectId === undefined) {
    throw trustError(
      `"${targetName}" has no projectId, which the gcloud commands need.`,
      "Add projectId (the project's id, not its number).",
    );
  }
  if (input.subjectPatterns.length > 0 || (target.subject ?? "function") !== "function") {
    // The binding's member is the exact subject of a single function; user and site-form subjects differ.
    throw trustError(
      `"${targetName}" has per-user grants or the "site" subject form, which fedkit's GCP trust does not generate.`,
      "Map GCP targets to functions with the default subject form; a provider takes any number of them.",
    );
  }
  if (input.functions.length === 0) {
    throw trustError(
      `"${targetName}": no function is mapped to it, so there is nothing to trust.`,
      `Map one under \`functions\`, e.g. functions: { report: { ${targetName}: {} } }.`,
    );
  }
  const provider = resolveProvider(target, targetName, input);
  const defaults = [provider.resource, `https:${provider.resource}`];
  const allowedAudiences = [
    ...(defaults.includes(input.audience) ? [] : [input.audience]),
    ...(target.allowedAudiences ?? []),
  ];
  return gcpTrustConfig({
    projectId: target.projectId,
    projectNumber: provider.projectNumber ?? "",
    poolId: provider.poolId,
    providerId: provider.providerId,
    ...(provider.iamHost === "iam.googleapis.com"
      ? {}
      : { universeDomain: provider.iamHost.slice("iam.".length) }),
    issuerUri: input.issuer,
    ...(allowedAudiences.length > 0 ? { allowedAudiences } : {}),
    ...(target.jwks === undefined ? {} : { jwks: target.jwks }),
    pin: { site: input.siteId, context: input.context, function: input.functions },
    ...(target.serviceAccount === undefined ? {} : { serviceAccount: target.serviceAccount }),
  });
}
