/**
 * `@fedkit/netlify/aws`: the AWS cloud plugin. Name it in the config's `clouds` so only functions of sites that
 * use AWS ship the STS exchange and the SigV4 signer.
 *
 * @example
 * ```ts
 * import { awsCloud } from "@fedkit/netlify/aws";
 *
 * export default {
 *   siteId: "5b0c2a71-...",
 *   siteUrl: "https://reports.example.com",
 *   clouds: { aws: awsCloud },
 *   targets: { reports: { cloud: "aws", roleArn: "arn:aws:iam::123456789012:role/reports", region: "eu-west-1" } },
 *   functions: { report: { reports: {} } },
 * } satisfies FedkitConfig;
 * ```
 *
 * @packageDocumentation
 */

export { AWS_TAGS_CLAIM, type AwsFetch } from "@fedkit/aws";
export { type AwsTargetConfig, awsCloud } from "./clouds/aws.js";
