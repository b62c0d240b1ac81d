/**
 * `@fedkit/netlify/gcp`: the Google Cloud plugin. Name it in the config's `clouds` so only functions of sites
 * that use Google Cloud ship the STS exchange, impersonation and the bearer fetch. Each deploy context uses its
 * own workload identity pool (`gcpPoolId(siteId, context)` unless overridden per context).
 *
 * @example
 * ```ts
 * import { gcpCloud } from "@fedkit/netlify/gcp";
 *
 * export default {
 *   siteId: "5b0c2a71-...",
 *   siteUrl: "https://reports.example.com",
 *   clouds: { gcp: gcpCloud },
 *   targets: { reports: { cloud: "gcp", projectNumber: "123456789012", projectId: "reports" } },
 *   functions: { report: { reports: {} } },
 * } satisfies FedkitConfig;
 * ```
 *
 * @packageDocumentation
 */

export {
  type GcpFetch,
  type GcpTargetConfig,
  gcpCloud,
  type PerContext,
} from "./clouds/gcp.js";
