/**
 * The official AWS STS hosts: where a subject token may go without an opt-in (data for core's `checkEndpoint`).
 *
 * @packageDocumentation
 */
import type { HostPattern } from "@fedkit/core/provider";

/**
 * Official AWS STS hosts per partition fedkit supports (those `parseRoleArn` accepts: `aws`, `aws-cn`,
 * `aws-us-gov`), as host patterns `hostMatches` reads. The air-gapped ISO partitions are not among them.
 *
 * A regional host's region label must be region-shaped (`eu-west-1`, `us-gov-west-1`): a bare `*` label would
 * also match `sts.s3.amazonaws.com`, the host of an S3 bucket named `sts` that anyone may own.
 *
 * @example
 * ```ts
 * checkEndpoint("https://sts.eu-west-1.amazonaws.com/", { cloud: "aws", officialHosts: AWS_STS_HOSTS.aws });
 * ```
 * @public
 */
// Region shape as partition.ts's REGION: written out per pattern so that each stays a literal (tree-shaken with
// the table, compiled once).
export const AWS_STS_HOSTS = {
  aws: ["sts.amazonaws.com", /sts(?:-fips)?\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.(?:amazonaws\.com|api\.aws)/],
  "aws-cn": [/sts\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.(?:amazonaws\.com\.cn|api\.amazonwebservices\.com\.cn)/],
  "aws-us-gov": [
    "sts.us-gov-west-1.amazonaws.com",
    "sts.us-gov-east-1.amazonaws.com",
    /sts-fips\.[a-z]{2}(?:-[a-z]+)+-\d{1,2}\.amazonaws\.com/,
  ],
} as const;

/**
 * The official STS hosts of every partition, for a caller that does not know its partition.
 *
 * @example
 * ```ts
 * checkEndpoint("https://sts.amazonaws.com/", { cloud: "aws", officialHosts: AWS_STS_HOSTS_ANY_PARTITION });
 * ```
 * @public
 */
// Annotated call by call (a spread is not): a bundle that does not use it drops it.
export const AWS_STS_HOSTS_ANY_PARTITION: readonly HostPattern[] = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Array.from(/* @__PURE__ */ new Set(/* @__PURE__ */ Object.values(AWS_STS_HOSTS).flat())),
);
