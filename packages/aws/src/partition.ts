/**
 * Regions, partitions, role ARNs and the regional STS endpoint: everything that must agree before a token
 * is sent anywhere.
 *
 * @packageDocumentation
 */
import { awsError } from "./errors.js";

/** The AWS partitions fedkit supports. @public */
export type AwsPartition = "aws" | "aws-cn" | "aws-us-gov";

/** A parsed IAM role ARN. @public */
export interface RoleArn {
  readonly arn: string;
  readonly partition: AwsPartition;
  readonly accountId: string;
  /** `/` or `/path/` as IAM stores it. */
  readonly path: string;
  readonly name: string;
}

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The partition a region belongs to. @public */
export function partitionOf(region: string): AwsPartition {
  return region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}

/**
 * The regions fedkit knows of (commercial, China, GovCloud), for hints only: a well-formed region that is not
 * listed is accepted, because AWS launches regions and an SDK release should not be needed to use one.
 *
 * @example
 * ```ts
 * KNOWN_AWS_REGIONS.includes("eu-west-1"); // true
 * ```
 * @public
 */
export const KNOWN_AWS_REGIONS: readonly string[] = /* @__PURE__ */ Object.freeze(
  /* @__PURE__ */ (
    "us-east-1 us-east-2 us-west-1 us-west-2 ca-central-1 ca-west-1 mx-central-1 sa-east-1 eu-central-1 " +
    "eu-central-2 eu-west-1 eu-west-2 eu-west-3 eu-south-1 eu-south-2 eu-north-1 il-central-1 me-south-1 " +
    "me-central-1 af-south-1 ap-east-1 ap-east-2 ap-south-1 ap-south-2 ap-southeast-1 ap-southeast-2 " +
    "ap-southeast-3 ap-southeast-4 ap-southeast-5 ap-southeast-7 ap-northeast-1 ap-northeast-2 " +
    "ap-northeast-3 cn-north-1 cn-northwest-1 us-gov-west-1 us-gov-east-1"
  ).split(" "),
);

/** Whether `region` has the shape of an AWS region code (not whether AWS runs it). @internal */
export const isRegionShaped = (region: string): boolean => REGION.test(region);

/**
 * Validates a region name (`eu-west-1`, `cn-north-1`, `us-gov-west-1`). A well-formed region fedkit does not
 * know is accepted (AWS launches regions); a malformed one is refused, with the near region code in the hint.
 * @throws FederationError `config` when it is not region-shaped.
 * @internal
 */
export function checkRegion(region: string, where: string): string {
  if (typeof region === "string" && REGION.test(region)) return region;
  const text = String(region);
  // "eu-west1", "EU-WEST-1", " eu-west-1": the usual slips, named when they map onto a region code. The known
  // regions are listed in docs/aws.md, not in the hint: the list would weigh on every edge bundle.
  const near = text
    .trim()
    .toLowerCase()
    .replace(/([a-z])(\d{1,2})$/, "$1-$2");
  throw awsError(
    "config",
    `${where}: ${JSON.stringify(text)} is not an AWS region name`,
    `${REGION.test(near) ? `Did you mean "${near}"? ` : ""}Use a region code such as "eu-west-1".`,
  );
}

/**
 * Parses and validates an IAM role ARN (`arn:aws:iam::123456789012:role/path/name`).
 *
 * @example
 * ```ts
 * parseRoleArn("arn:aws-cn:iam::123456789012:role/ops/reader").partition; // "aws-cn"
 * ```
 * @throws FederationError `config` naming what is wrong.
 * @public
 */
export function parseRoleArn(arn: string): RoleArn {
  const match =
    /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role((?:\/[\w+=,.@-]+)*\/)([\w+=,.@-]{1,64})$/.exec(arn);
  if (!match) {
    throw awsError(
      "config",
      `"${arn}" is not an IAM role ARN`,
      "Use arn:aws:iam::<12-digit account>:role/<name>.",
    );
  }
  const [, partition, accountId, path, name] = match as unknown as [
    string,
    AwsPartition,
    string,
    string,
    string,
  ];
  return { arn, partition, accountId, path, name };
}

/** `https://sts.<region>.amazonaws.com`, or `.amazonaws.com.cn` in the China partition. @public */
export function stsEndpoint(region: string): string {
  return `https://sts.${region}.amazonaws.com${partitionOf(region) === "aws-cn" ? ".cn" : ""}`;
}

/**
 * Checks that a role can be assumed through a region's STS: a China role needs a China region, and so on.
 * @internal
 */
export function checkSamePartition(role: RoleArn, region: string): void {
  const partition = partitionOf(region);
  if (partition !== role.partition) {
    throw awsError(
      "config",
      `role ${role.arn} is in partition ${role.partition} but region ${region} is in ${partition}`,
      `Pick a region of the ${role.partition} partition.`,
    );
  }
}
