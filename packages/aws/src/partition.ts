/**
 * Regions, partitions, role ARNs and the regional STS endpoint: everything that must agree before a token
 * is sent anywhere.
 *
 * @packageDocumentation
 */
import { FederationError } from "@fedkit/core";

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
const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role((?:\/[\w+=,.@-]+)*\/)([\w+=,.@-]{1,64})$/;

/** The partition a region belongs to. @public */
export function partitionOf(region: string): AwsPartition {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * Validates a region name (`eu-west-1`, `cn-north-1`, `us-gov-west-1`).
 * @throws FederationError `config` when it is not region-shaped.
 * @internal
 */
export function checkRegion(region: string, where: string): string {
  if (!REGION.test(region)) {
    throw new FederationError("config", `${where}: "${region}" is not an AWS region name`, {
      provider: "aws",
      hint: 'Use a region code such as "eu-west-1", "us-gov-west-1" or "cn-north-1".',
    });
  }
  return region;
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
  const match = ROLE_ARN.exec(arn);
  if (!match) {
    throw new FederationError("config", `"${arn}" is not an IAM role ARN`, {
      provider: "aws",
      hint:
        "Expected arn:<partition>:iam::<12-digit account>:role/<optional path/><name>, partition aws, aws-cn " +
        "or aws-us-gov, for example arn:aws:iam::123456789012:role/web-reader.",
    });
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
  const regionPartition = partitionOf(region);
  if (regionPartition !== role.partition) {
    throw new FederationError(
      "config",
      `role ${role.arn} is in partition ${role.partition} but region ${region} is in ${regionPartition}`,
      { provider: "aws", hint: `Pick a region of the ${role.partition} partition, where the role lives.` },
    );
  }
}
