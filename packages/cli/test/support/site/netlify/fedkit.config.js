// @ts-check
// A site with one target per cloud and values that are no sample placeholders, for the CLI's tests and the
// transcripts in docs/cli.md.
import { awsCloud } from "@fedkit/netlify/aws";
import { azureCloud } from "@fedkit/netlify/azure";
import { gcpCloud } from "@fedkit/netlify/gcp";

/** @type {import("@fedkit/netlify").FedkitConfig} */
const config = {
  siteId: "0f4c9e2a-7d31-4b8e-a6f5-3c2d1e0b9a87",
  siteUrl: "https://reports.acme-widgets.test",
  clouds: { aws: awsCloud, gcp: gcpCloud, azure: azureCloud },
  targets: {
    reports: {
      cloud: "aws",
      roleArn: "arn:aws:iam::210987654321:role/netlify-reports-reader",
      region: "eu-west-1",
    },
    archive: {
      cloud: "gcp",
      projectId: "acme-archive",
      projectNumber: "987654321098",
      serviceAccount: "archive-reader@acme-archive.iam.gserviceaccount.com",
    },
    blobs: {
      cloud: "azure",
      clientId: "3f1e2d4c-5b6a-4798-8a1b-2c3d4e5f6a7b",
      tenantId: "6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d",
    },
  },
  functions: {
    report: { reports: { maxDurationSeconds: 900 } },
    archive: { archive: {} },
    blob: { blobs: {} },
  },
};

export default config;
