import { type PolicyDocument, parseRoleArn } from "@fedkit/aws";
import type { AwsTargetConfig } from "../clouds/aws.js";
import type { TrustInput } from "../clouds/types.js";

/**
 * The AWS role trust policy for a target: the site issuer's IAM OIDC provider as principal, `aud` and `sub`
 * pinned with `<host/path>:aud` and `<host/path>:sub`, and `sts:TagSession` because fedkit tokens carry session
 * tags (pinned to the deploy context with `aws:RequestTag/context`).
 *
 * @example
 * ```ts
 * awsTrustPolicy({ target, issuer: "https://reports.example.com/oidc/production", ... }).Statement[0].Condition;
 * // { StringEquals: { "reports.example.com/oidc/production:aud": "sts.amazonaws.com", ...:sub: [...] } }
 * ```
 * @public
 */
export function awsTrustPolicy(input: TrustInput<AwsTargetConfig>): PolicyDocument {
  const role = parseRoleArn(input.target.roleArn);
  const prefix = input.issuerHostPath;
  const tags = input.target.sessionTags !== false;
  const statement = (sid: string, operator: "StringEquals" | "StringLike", subjects: readonly string[]) => {
    const condition: Record<string, Record<string, string | string[]>> = {
      StringEquals: { [`${prefix}:aud`]: input.audience },
    };
    condition[operator] = {
      ...condition[operator],
      [`${prefix}:sub`]: subjects.length === 1 ? subjects[0]! : [...subjects],
    };
    if (tags)
      condition["StringEquals"] = { ...condition["StringEquals"], "aws:RequestTag/context": input.context };
    return {
      Sid: sid,
      Effect: "Allow",
      Principal: { Federated: `arn:${role.partition}:iam::${role.accountId}:oidc-provider/${prefix}` },
      Action: tags ? ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"] : ["sts:AssumeRoleWithWebIdentity"],
      Condition: condition,
    };
  };
  const Statement = [];
  // Exact subjects and patterns go in separate statements: two operators on one key in one statement would AND.
  if (input.subjects.length > 0)
    Statement.push(statement("FedkitNetlifyFunctions", "StringEquals", input.subjects));
  if (input.subjectPatterns.length > 0) {
    Statement.push(statement("FedkitNetlifyUsers", "StringLike", input.subjectPatterns));
  }
  return { Version: "2012-10-17", Statement } as unknown as PolicyDocument;
}
