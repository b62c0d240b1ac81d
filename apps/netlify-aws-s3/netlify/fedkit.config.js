// @ts-check
// The one source of truth for fedkit on this site: the edge functions enforce it at runtime and
// `trustPolicyFor(config, "reports")` turns it into the IAM role trust policy, so the two cannot drift.
// Plain JavaScript so Node scripts (the demo, your deployment tooling) and Deno (the edge) both import it.
import { awsCloud } from "@fedkit/netlify/aws";

// Netlify.env on Netlify (edge and functions), process.env in Node scripts. Never touch `process` in Deno: it
// loads Deno's Node compatibility layer and adds tens of milliseconds to every cold start.
const runtime = /** @type {any} */ (globalThis);
/** @param {string} name @returns {string | undefined} */
const env = (name) =>
  (runtime.Netlify ? runtime.Netlify.env.get(name) : runtime.process?.env?.[name]) || undefined;

/** Where the private objects live. Path-style so the local emulator works the same way. */
export const bucketUrl = env("REPORTS_BUCKET_URL") ?? "https://s3.eu-west-1.amazonaws.com/fedkit-reports";

const stsEndpoint = env("FEDKIT_AWS_STS_ENDPOINT");

/** @type {import("@fedkit/netlify").FedkitConfig} */
const config = {
  // Replace with your site's id (Site configuration > Site details > Site ID) and production origin.
  siteId: env("FEDKIT_SITE_ID") ?? "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11",
  siteUrl: "https://fedkit-reports.netlify.app",
  // The cloud plugins this site uses; only these are bundled into its functions.
  clouds: { aws: awsCloud },
  targets: {
    reports: {
      cloud: "aws",
      roleArn: env("REPORTS_ROLE_ARN") ?? "arn:aws:iam::123456789012:role/netlify-reports-reader",
      region: "eu-west-1",
      service: "s3",
      durationSeconds: 900,
      // Only for the local emulator: a custom STS endpoint, and an S3 origin off AWS that may receive signed
      // requests, must be opted into explicitly.
      ...(stsEndpoint
        ? {
            endpoint: stsEndpoint,
            allowCustomEndpoint: true,
            allowedOrigins: [new URL(bucketUrl).origin],
          }
        : {}),
    },
  },
  functions: {
    // `report` may use the `reports` role, for at most 15 minutes. `unmapped` is deliberately absent.
    report: { reports: { maxDurationSeconds: 900 } },
  },
};

export default config;
