/**
 * `GetWebIdentityToken` (AWS outbound identity federation): a signed-in AWS principal gets a JWT from its
 * account's issuer for an external audience. The emulator's issuer is the platform issuers' `aws/<account>` one,
 * so the feature counts as enabled only when the emulator runs them (`platforms: {}`); otherwise STS answers
 * `OutboundWebIdentityFederationDisabled` as AWS does before `enable-outbound-web-identity-federation`.
 */
import type { EmulatorContext } from "../context.js";
import { evaluateWithSession } from "../iam/index.js";
import { platformsOf } from "../platforms/index.js";
import type { PlatformAlgorithm } from "../platforms/issuer.js";
import { authenticate } from "./sts-assume-role.js";
import type { readStsParams } from "./sts-params.js";
import { StsError, stsErrors, type XmlNode } from "./sts-xml.js";

const ALGORITHMS = ["RS256", "ES384"];

/** @internal */
export async function getWebIdentityToken(
  ctx: EmulatorContext,
  request: Request,
  params: Awaited<ReturnType<typeof readStsParams>>,
): Promise<XmlNode> {
  const caller = await authenticate(ctx, request);
  const audiences = params.list("Audience");
  const alg = params.get("SigningAlgorithm");
  const rawDuration = params.get("DurationSeconds");
  const duration = rawDuration === undefined ? 300 : Number(rawDuration);
  const problems: string[] = [];
  if (audiences.length < 1 || audiences.length > 10)
    problems.push(
      "Value at 'audience' failed to satisfy constraint: Member must have length between 1 and 10",
    );
  if (alg === undefined || !ALGORITHMS.includes(alg))
    problems.push(
      `Value '${alg ?? ""}' at 'signingAlgorithm' failed to satisfy constraint: Member must be RS256 or ES384`,
    );
  if (!Number.isInteger(duration) || duration < 60 || duration > 3600)
    problems.push(
      `Value '${rawDuration}' at 'durationSeconds' failed to satisfy constraint: Member must be between 60 and 3600`,
    );
  if (problems.length > 0) throw stsErrors.validation(problems);
  const tagValues = params.list("Tags", "Value");
  const requestTags = Object.fromEntries(
    params.list("Tags", "Key").map((key, i) => [key, tagValues[i] ?? ""]),
  );

  let platforms: ReturnType<typeof platformsOf>;
  try {
    platforms = platformsOf({ state: ctx.state });
  } catch {
    throw new StsError(
      403,
      "OutboundWebIdentityFederationDisabled",
      "The outbound web identity federation feature is not enabled for this account. To use this feature, you must first enable it through the AWS Management Console or API.",
    );
  }
  const callerRole = [...ctx.state.aws.roles.values()].find((role) => role.arn === caller.roleArn);
  const evaluation = {
    action: "sts:GetWebIdentityToken",
    resource: "*",
    principal: { aws: caller.assumedRoleArn },
    context: {
      "sts:IdentityTokenAudience": audiences,
      "sts:DurationSeconds": String(duration),
      "aws:PrincipalArn": caller.roleArn,
    },
  };
  const identity = {
    identityPolicies: callerRole?.permissionPolicies ?? [],
    sessionPolicies: caller.sessionPolicies,
  };
  if (evaluateWithSession(evaluation, identity) !== "allow")
    throw stsErrors.accessDenied("sts:GetWebIdentityToken");
  if (ctx.now() + duration * 1000 > caller.expiresAt) {
    throw new StsError(
      403,
      "SessionDurationEscalation",
      "The requested token duration would extend the session beyond its original expiration time.",
    );
  }
  const token = await platforms.mint(
    "aws",
    {
      accountId: caller.accountId,
      principalArn: caller.roleArn,
      ...(Object.keys(caller.tags).length > 0 ? { principalTags: caller.tags } : {}),
      ...(Object.keys(requestTags).length > 0 ? { requestTags } : {}),
    },
    {
      audience: audiences.length === 1 ? audiences[0]! : audiences,
      ttlSeconds: duration,
      alg: alg as PlatformAlgorithm,
    },
  );
  // The token's own exp, not a second reading of the clock (the mint awaits, so a second boundary can pass).
  const { exp } = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
    exp: number;
  };
  const expiration = new Date(exp * 1000).toISOString();
  return [
    ["WebIdentityToken", token],
    ["Expiration", expiration],
  ];
}
