/**
 * Trust for tokens from AWS outbound identity federation (`sts:GetWebIdentityToken`): `sub` is the calling
 * role's ARN, issuer `https://<id>.tokens.sts.global.api.aws` (shown in the IAM console per account).
 *
 * @packageDocumentation
 */
import { type PlatformTrust, platformTrust } from "./platform-trust.js";

/** The AWS role that asks for tokens. @public */
export interface AwsOutboundIdentity {
  /** The account's token issuer, exactly as the IAM console shows it. */
  readonly issuer: string;
  /** The role ARN (`arn:aws:iam::ACCOUNT:role/NAME`), the token's `sub`. */
  readonly roleArn: string;
}

/**
 * The trust of one AWS role on GCP or Azure (or another AWS account). Accounts are the contexts: one per
 * environment keeps a staging role out of production trust.
 *
 * @example
 * ```ts
 * import { awsOutboundTrust } from "@fedkit/platforms/trust";
 * const trust = awsOutboundTrust({ issuer: "https://abc.tokens.sts.global.api.aws", roleArn: "arn:aws:iam::123456789012:role/reports" });
 * ```
 * @public
 */
export function awsOutboundTrust(identity: AwsOutboundIdentity): PlatformTrust {
  const match = /^arn:aws[a-z-]*:iam::([0-9]{12}):role\/[\w+=,.@/-]+$/.exec(identity.roleArn);
  if (!match) throw new TypeError("awsOutboundTrust: roleArn is an IAM role ARN");
  return platformTrust({
    platform: "aws",
    issuer: identity.issuer,
    subject: identity.roleArn,
    awsSubject: identity.roleArn,
    gcpPins: { sub: identity.roleArn },
    gcpPrincipal: { attribute: "subject", value: identity.roleArn },
    context: match[1]!,
    contexts: "separate",
    entraNote: "Entra matches the role ARN exactly; recreating the role under the same name keeps it.",
  });
}
