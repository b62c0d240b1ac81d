// @ts-check
// The one source of truth for fedkit on this site: the edge functions enforce it at runtime and
// `trustPolicyFor(config, "reports", { context })` turns it into that deploy context's own workload identity pool,
// its provider (attribute condition pinning site, context, subject prefix and function) and the service-account
// binding of the function's exact principal, so the two cannot drift.
// Plain JavaScript so Node scripts (the demo, your deployment tooling) and Deno (the edge) both import it.
import { gcpCloud } from "@fedkit/netlify/gcp";

// Netlify.env on Netlify (edge and functions), process.env in Node scripts. Never touch `process` in Deno: it
// loads Deno's Node compatibility layer and adds tens of milliseconds to every cold start.
const runtime = /** @type {any} */ (globalThis);
/** @param {string} name @returns {string | undefined} */
const env = (name) =>
  (runtime.Netlify ? runtime.Netlify.env.get(name) : runtime.process?.env?.[name]) || undefined;

/** The Cloud Storage JSON API origin: Google's, or the local emulator's. */
export const storageOrigin = env("FEDKIT_GCS_ORIGIN") ?? "https://storage.googleapis.com";
/** The private bucket. */
export const bucket = env("REPORTS_BUCKET") ?? "fedkit-reports";

// Only for the local emulator: custom Google endpoints must be opted into explicitly.
const stsEndpoint = env("FEDKIT_GCP_STS_ENDPOINT");
const iamCredentialsEndpoint = env("FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT");
const local =
  stsEndpoint && iamCredentialsEndpoint
    ? { stsEndpoint, iamCredentialsEndpoint, allowCustomEndpoint: true, allowedOrigins: [storageOrigin] }
    : {};

/** @type {import("@fedkit/netlify").FedkitConfig} */
const config = {
  // Replace with your site's id (Site configuration > Site details > Site ID) and production origin.
  siteId: env("FEDKIT_SITE_ID") ?? "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11",
  siteUrl: "https://fedkit-reports.netlify.app",
  // The cloud plugins this site uses; only these are bundled into its functions.
  clouds: { gcp: gcpCloud },
  targets: {
    reports: {
      cloud: "gcp",
      // Replace with your project's id and number (see README).
      projectId: env("GCP_PROJECT_ID") ?? "fedkit-reports",
      projectNumber: env("GCP_PROJECT_NUMBER") ?? "123456789012",
      // No poolId: each deploy context gets a pool of its own, gcpPoolId(siteId, context) ("fk-…"). Google scopes
      // identities to the POOL, so a pool shared with the deploy-preview key would let preview code become
      // production. The provider in it is named after the target ("reports") unless providerId says otherwise.
      // Impersonated after the STS exchange; its token lifetime follows the function mapping below.
      serviceAccount: env("GCP_SERVICE_ACCOUNT") ?? "reports-reader@fedkit-reports.iam.gserviceaccount.com",
      scopes: ["https://www.googleapis.com/auth/devstorage.read_only"],
      durationSeconds: 900,
      ...local,
    },
  },
  functions: {
    // `report` may use the `reports` target, for at most 15 minutes. `unmapped` is deliberately absent.
    report: { reports: { maxDurationSeconds: 900 } },
  },
};

export default config;
