/**
 * The official AWS STS hosts: where a subject token may go without an opt-in (data for core's `checkEndpoint`).
 *
 * @packageDocumentation
 */

/**
 * Official AWS STS hosts per partition (host patterns as `hostMatches` reads them).
 *
 * A `*` label matches any one label, not only a region: `sts.*.amazonaws.com` also matches
 * `sts.s3.amazonaws.com`, the host of an S3 bucket named `sts` that anyone may own. fedkit's own providers also
 * require that label to be a region before they send a token without `allowCustomEndpoint`; when you pass this
 * table to `checkEndpoint` yourself, check the region the same way (or pass the regional URL you built).
 *
 * @example
 * ```ts
 * checkEndpoint("https://sts.eu-west-1.amazonaws.com/", { cloud: "aws", officialHosts: AWS_STS_HOSTS.aws });
 * ```
 * @public
 */
export const AWS_STS_HOSTS = {
  aws: [
    "sts.amazonaws.com",
    "sts.*.amazonaws.com",
    "sts-fips.*.amazonaws.com",
    "sts.*.api.aws",
    "sts-fips.*.api.aws",
  ],
  "aws-cn": ["sts.*.amazonaws.com.cn", "sts.*.api.amazonwebservices.com.cn"],
  "aws-us-gov": [
    "sts.us-gov-west-1.amazonaws.com",
    "sts.us-gov-east-1.amazonaws.com",
    "sts-fips.*.amazonaws.com",
  ],
  "aws-iso": ["sts.*.c2s.ic.gov"],
  "aws-iso-b": ["sts.*.sc2s.sgov.gov"],
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
export const AWS_STS_HOSTS_ANY_PARTITION: readonly string[] = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ Array.from(/* @__PURE__ */ new Set(/* @__PURE__ */ Object.values(AWS_STS_HOSTS).flat())),
);
