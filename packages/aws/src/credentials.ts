/**
 * The credentials an AWS provider hands out: core's extensible `Credentials`, shaped by STS.
 *
 * @packageDocumentation
 */
import type { Credentials } from "@fedkit/core";

/**
 * Temporary AWS credentials from STS. All three values are secrets.
 *
 * @example
 * ```ts
 * const credentials: AwsCredentials = await federation.getCredentials(awsProvider({ roleArn, region: "eu-west-1" }));
 * ```
 * @public
 */
export interface AwsCredentials extends Credentials {
  readonly kind: "aws";
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** `AssumedRoleUser.Arn`, e.g. `arn:aws:sts::123456789012:assumed-role/reader/session`. */
  readonly assumedRoleArn?: string;
}
