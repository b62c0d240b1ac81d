import type { EmulatorContext } from "../context.js";
import { evaluatePolicies, evaluateWithSession, type PolicyDocument } from "../iam/index.js";
import type { AwsSession } from "../state.js";
import { verifySigV4, wireSigV4Options } from "./sigv4.js";
import { EXTERNAL_ID, SESSION_NAME, type StsParams } from "./sts-params.js";
import {
  checkTags,
  createSession,
  findRole,
  packedPolicyPercent,
  readSessionPolicies,
  sessionDuration,
  sessionXml,
} from "./sts-session.js";
import { StsError, stsErrors, type XmlNode } from "./sts-xml.js";

/**
 * The region an STS Host answers for: `sts.<region>.amazonaws.com[.cn]` (and `sts-fips.<region>`) is that region,
 * the global `sts.amazonaws.com` is us-east-1; a host that names none (loopback) answers for any region.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html
 * @internal
 */
export function stsEndpointRegion(host: string): string | undefined {
  const name = host.replace(/:\d+$/, "").toLowerCase();
  const regional = /^sts(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(name);
  if (regional) return regional[1];
  return name === "sts.amazonaws.com" ? "us-east-1" : undefined;
}

/**
 * Verifies the request's SigV4 signature against the live sessions; failures answer with STS's codes
 * (`InvalidClientTokenId`, `SignatureDoesNotMatch`, `ExpiredToken`, `MissingAuthenticationToken`).
 * @internal
 */
export async function authenticate(ctx: EmulatorContext, request: Request): Promise<AwsSession> {
  const body = new Uint8Array(await request.clone().arrayBuffer());
  const region = stsEndpointRegion(request.headers.get("host") ?? new URL(request.url).host);
  const result = await verifySigV4(request, body, (id) => ctx.state.aws.sessions.get(id), {
    service: "sts",
    ...(region ? { region } : {}),
    now: ctx.now,
    ...wireSigV4Options(request),
  });
  if (!result.ok) throw new StsError(result.status, result.code, result.message);
  return result.credentials;
}

/** The caller's principal-tag and identity context keys. */
function callerContext(caller: AwsSession): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {
    "aws:PrincipalArn": caller.roleArn,
    "aws:PrincipalAccount": caller.accountId,
    "aws:PrincipalType": "AssumedRole",
    "aws:userid": caller.assumedRoleId,
  };
  for (const [key, value] of Object.entries(caller.tags)) context[`aws:PrincipalTag/${key}`] = value;
  if (caller.sourceIdentity !== undefined) context["aws:SourceIdentity"] = caller.sourceIdentity;
  return context;
}

/** A trust policy without account-wide AWS principals: what grants access without the caller's own policy. */
function namingPrincipalsOnly(policy: PolicyDocument): PolicyDocument {
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return {
    ...policy,
    Statement: statements.map((statement) => {
      const principal = statement.Principal;
      if (typeof principal !== "object" || principal["AWS"] === undefined) return statement;
      const aws: readonly string[] =
        typeof principal["AWS"] === "string" ? [principal["AWS"]] : principal["AWS"];
      const ids = aws.filter((id) => !/^(\d{12}|arn:[^:]+:iam::\d{12}:root|\*)$/.test(id));
      return {
        ...statement,
        Principal: { ...principal, AWS: ids.length > 0 ? ids : ["arn:aws:iam::000000000000:role/none"] },
      };
    }),
  };
}

/**
 * `AssumeRole` signed with session credentials. Same-account rules: a trust policy naming the caller's role
 * grants on its own; one naming the account (`:root`) also needs the caller's permission policy to allow
 * `sts:AssumeRole`. Chained sessions last at most an hour and inherit transitive tags and the source identity.
 * @internal
 */
export async function assumeRole(
  ctx: EmulatorContext,
  request: Request,
  params: StsParams,
): Promise<XmlNode> {
  const caller = await authenticate(ctx, request);
  const roleArn = params.string("RoleArn", { required: true, min: 20, max: 2048 });
  const sessionName = params.string("RoleSessionName", {
    required: true,
    min: 2,
    max: 64,
    pattern: SESSION_NAME,
  });
  const externalId = params.string("ExternalId", { min: 2, max: 1224, pattern: EXTERNAL_ID });
  const sourceIdentity = params.string("SourceIdentity", { min: 2, max: 64, pattern: SESSION_NAME });
  const requested = params.duration();
  const keys = params.list("Tags", "Key");
  const values = params.list("Tags", "Value");
  const transitive = params.list("TransitiveTagKeys");
  const { policies, policyArns, raw } = readSessionPolicies(params);
  params.check();

  const role = findRole(ctx, roleArn!, "sts:AssumeRole");
  const requestTags: Record<string, string> = Object.fromEntries(
    keys.map((key, i) => [key, values[i] ?? ""]),
  );
  checkTags(requestTags, transitive);
  const inherited = Object.fromEntries(caller.transitiveTagKeys.map((key) => [key, caller.tags[key] ?? ""]));
  for (const key of Object.keys(requestTags)) {
    if (caller.transitiveTagKeys.some((t) => t.toLowerCase() === key.toLowerCase())) {
      throw new StsError(
        400,
        "InvalidParameterValue",
        `Tag key ${key} is transitive from the current session and cannot be changed`,
      );
    }
  }
  if (
    caller.sourceIdentity !== undefined &&
    sourceIdentity !== undefined &&
    sourceIdentity !== caller.sourceIdentity
  ) {
    throw stsErrors.accessDenied("sts:SetSourceIdentity");
  }
  const tags = { ...inherited, ...requestTags };
  const hasTags = keys.length > 0;
  const percent =
    raw !== undefined || policyArns.length > 0 || hasTags
      ? packedPolicyPercent(raw, policyArns, tags)
      : undefined;
  const duration = sessionDuration(requested, role, true);

  const context: Record<string, string | string[]> = {
    ...callerContext(caller),
    "sts:RoleSessionName": sessionName!,
    "aws:CurrentTime": new Date(ctx.now()).toISOString(),
    "aws:EpochTime": String(Math.floor(ctx.now() / 1000)),
    "aws:SecureTransport": String(ctx.urls.sts.startsWith("https:")),
  };
  if (externalId !== undefined) context["sts:ExternalId"] = externalId;
  if (sourceIdentity !== undefined) context["sts:SourceIdentity"] = sourceIdentity;
  for (const [key, value] of Object.entries(requestTags)) context[`aws:RequestTag/${key}`] = value;
  if (hasTags) {
    context["aws:TagKeys"] = keys;
    context["sts:TransitiveTagKeys"] = transitive;
  }
  const principal = { aws: caller.assumedRoleArn };
  const callerRole = [...ctx.state.aws.roles.values()].find((r) => r.arn === caller.roleArn);
  const allowed = (action: string) => {
    const evaluation = { action, resource: role.arn, principal, context };
    if (evaluatePolicies([role.trustPolicy], evaluation) !== "allow") return false;
    if (evaluatePolicies([namingPrincipalsOnly(role.trustPolicy)], evaluation) === "allow") return true;
    const identity = {
      identityPolicies: callerRole?.permissionPolicies ?? [],
      sessionPolicies: caller.sessionPolicies,
    };
    return evaluateWithSession(evaluation, identity) === "allow";
  };
  if (!allowed("sts:AssumeRole")) throw stsErrors.accessDenied("sts:AssumeRole");
  if (hasTags && !allowed("sts:TagSession")) throw stsErrors.accessDenied("sts:TagSession");
  if (
    sourceIdentity !== undefined &&
    caller.sourceIdentity === undefined &&
    !allowed("sts:SetSourceIdentity")
  ) {
    throw stsErrors.accessDenied("sts:SetSourceIdentity");
  }

  const session = createSession(ctx, {
    role,
    sessionName: sessionName!,
    durationSeconds: duration,
    tags,
    transitiveTagKeys: [...caller.transitiveTagKeys, ...transitive],
    sessionPolicies: policies,
    policyArns,
    sourceIdentity: sourceIdentity ?? caller.sourceIdentity,
    chained: true,
  });
  const { assumedRoleUser, credentials } = sessionXml(session);
  return [
    ["Credentials", credentials],
    ["AssumedRoleUser", assumedRoleUser],
    ["PackedPolicySize", percent],
    ["SourceIdentity", session.sourceIdentity],
  ];
}

/** `GetCallerIdentity`: who the signing credentials belong to. Needs no permission, as in AWS. @internal */
export async function getCallerIdentity(ctx: EmulatorContext, request: Request): Promise<XmlNode> {
  const caller = await authenticate(ctx, request);
  return [
    ["UserId", caller.assumedRoleId],
    ["Account", caller.accountId],
    ["Arn", caller.assumedRoleArn],
  ];
}
