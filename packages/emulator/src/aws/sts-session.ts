import { deflateRawSync } from "node:zlib";
import type { EmulatorContext } from "../context.js";
import { MalformedPolicyError, type PolicyDocument, parsePolicy } from "../iam/index.js";
import type { AwsRole, AwsSession, AwsWebIdentity } from "../state.js";
import { awsId, secretAccessKey, sessionToken } from "./ids.js";
import { ROLE_ARN, type StsParams } from "./sts-params.js";
import { awsTimestamp, StsError, stsErrors, type XmlNode } from "./sts-xml.js";

/**
 * The budget of the emulator's packed-policy model: session policy (minified), managed policy ARNs and session
 * tags are deflated together and compared with this many bytes. AWS does not publish its packing; this model
 * fails the same inputs AWS does in practice (a 2048-character policy of distinct ARNs) and reports a percentage
 * like AWS.
 * @internal
 */
export const PACKED_POLICY_BUDGET = 1024;

// The model's pattern [\u0009\u000A\u000D\u0020-\u00FF]+: tab, newlines and Latin-1.
const POLICY_CHARS = /^[\t\n\r\u0020-\u00FF]+$/;

/** Looks up the role a `RoleArn` names; unknown roles are `AccessDenied`, as AWS hides which roles exist. */
export function findRole(ctx: EmulatorContext, roleArn: string, action: string): AwsRole {
  const match = ROLE_ARN.exec(roleArn);
  if (!match) throw new StsError(400, "ValidationError", "Request ARN is invalid");
  const role = ctx.state.aws.roles.get(match[3]!);
  if (!role || role.arn !== roleArn || match[2] !== ctx.state.aws.accountId)
    throw stsErrors.accessDenied(action);
  return role;
}

/** Reads `Policy` and `PolicyArns.member.N.arn`; a malformed policy is `MalformedPolicyDocument`. */
export function readSessionPolicies(params: StsParams): {
  policies: PolicyDocument[];
  policyArns: string[];
  raw?: string;
} {
  const raw = params.string("Policy", { min: 1, max: 2048, pattern: POLICY_CHARS });
  const policyArns = params.list("PolicyArns", "arn");
  if (policyArns.length > 10)
    params.problems.push(
      "Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
  for (const arn of policyArns) {
    if (!/^arn:[\w-]+:iam::(\d{12}|aws):policy\/\S+$/.test(arn)) {
      throw new StsError(400, "InvalidParameterValue", `The policy ARN ${arn} is invalid`);
    }
  }
  params.check();
  if (raw === undefined) return { policies: [], policyArns };
  try {
    return { policies: [parsePolicy(raw, { kind: "session" })], policyArns, raw };
  } catch (error) {
    if (error instanceof MalformedPolicyError)
      throw new StsError(400, "MalformedPolicyDocument", error.message);
    throw error;
  }
}

/** Packed size in percent of the budget; over 100 is `PackedPolicyTooLarge`. */
export function packedPolicyPercent(
  raw: string | undefined,
  policyArns: string[],
  tags: Record<string, string>,
): number {
  const minified = raw === undefined ? "" : JSON.stringify(JSON.parse(raw));
  const packed = deflateRawSync(
    Buffer.from(`${minified}\n${policyArns.join(",")}\n${JSON.stringify(tags)}`),
  ).length;
  const percent = Math.ceil((packed / PACKED_POLICY_BUDGET) * 100);
  if (percent > 100) {
    throw new StsError(
      400,
      "PackedPolicyTooLarge",
      `Packed policy consumes ${percent}% of allotted space, please use smaller policy.`,
    );
  }
  return percent;
}

/** Duration: default 3600, at most the role's maximum (one hour when chaining). */
export function sessionDuration(requested: number | undefined, role: AwsRole, chained: boolean): number {
  const duration = requested ?? 3600;
  if (chained && duration > 3600) {
    throw new StsError(
      400,
      "ValidationError",
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
  }
  if (duration > role.maxSessionDurationSeconds) {
    throw new StsError(
      400,
      "ValidationError",
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
  }
  return duration;
}

const TAG_KEY = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

/** Session tags: at most 50, keys unique case-insensitively, IAM's character rules. */
export function checkTags(tags: Record<string, string>, transitive: string[]): void {
  const keys = Object.keys(tags);
  if (keys.length > 50)
    throw stsErrors.validation([
      "Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    ]);
  const seen = new Set<string>();
  for (const key of keys) {
    if (!TAG_KEY.test(key) || !TAG_VALUE.test(tags[key]!)) {
      throw new StsError(400, "InvalidParameterValue", `Tag key or value is invalid: ${key.slice(0, 128)}`);
    }
    if (seen.has(key.toLowerCase()))
      throw new StsError(400, "InvalidParameterValue", `Duplicate tag keys found: ${key}`);
    seen.add(key.toLowerCase());
  }
  for (const key of transitive) {
    if (!keys.some((tag) => tag.toLowerCase() === key.toLowerCase())) {
      throw new StsError(400, "InvalidParameterValue", `Transitive tag key ${key} is not a session tag`);
    }
  }
}

/** What a new session is made of. */
export interface SessionInput {
  role: AwsRole;
  sessionName: string;
  durationSeconds: number;
  tags: Record<string, string>;
  transitiveTagKeys: string[];
  sessionPolicies: PolicyDocument[];
  policyArns: string[];
  sourceIdentity?: string | undefined;
  webIdentity?: AwsWebIdentity;
  chained?: boolean;
}

/** Creates credentials (`ASIA…`) and stores the session in `state.aws.sessions`. */
export function createSession(ctx: EmulatorContext, input: SessionInput): AwsSession {
  const accountId = ctx.state.aws.accountId;
  const session: AwsSession = {
    accessKeyId: awsId("ASIA", 16),
    secretAccessKey: secretAccessKey(),
    sessionToken: sessionToken(),
    accountId,
    roleArn: input.role.arn,
    assumedRoleArn: `arn:aws:sts::${accountId}:assumed-role/${input.role.name}/${input.sessionName}`,
    assumedRoleId: `${input.role.roleId}:${input.sessionName}`,
    sessionName: input.sessionName,
    expiresAt: Math.floor(ctx.now() / 1000) * 1000 + input.durationSeconds * 1000,
    tags: input.tags,
    transitiveTagKeys: input.transitiveTagKeys,
    sessionPolicies: input.sessionPolicies,
    policyArns: input.policyArns,
    ...(input.sourceIdentity !== undefined ? { sourceIdentity: input.sourceIdentity } : {}),
    ...(input.webIdentity ? { webIdentity: input.webIdentity } : {}),
    ...(input.chained ? { chained: true } : {}),
  };
  ctx.state.aws.sessions.set(session.accessKeyId, session);
  return session;
}

/** `<AssumedRoleUser>` and `<Credentials>` in AWS's element order. */
export function sessionXml(session: AwsSession): { assumedRoleUser: XmlNode; credentials: XmlNode } {
  return {
    assumedRoleUser: [
      ["Arn", session.assumedRoleArn],
      ["AssumedRoleId", session.assumedRoleId],
    ],
    credentials: [
      ["SessionToken", session.sessionToken],
      ["SecretAccessKey", session.secretAccessKey],
      ["Expiration", awsTimestamp(session.expiresAt)],
      ["AccessKeyId", session.accessKeyId],
    ],
  };
}
