/**
 * Authentication and authorisation of S3 requests: SigV4 against the live STS sessions, then the role's permission
 * policies intersected with the session policies, as IAM evaluates a same-account request.
 */
import type { EmulatorContext } from "../context.js";
import { evaluatePolicies } from "../iam/evaluate.js";
import type { EvaluationRequest, RequestContext } from "../iam/types.js";
import type { AwsSession } from "../state.js";
import { S3Error } from "./s3-xml.js";
import { verifySigV4, wireSigV4Options } from "./sigv4.js";

/** A verified caller. @internal */
export interface S3Caller {
  readonly session: AwsSession;
  readonly presigned: boolean;
  readonly requestTime: number;
}

/**
 * Verifies the request's signature against `state.aws.sessions` (a session's token must be presented; expired
 * sessions are `ExpiredToken`; more than 15 minutes of skew is `RequestTimeTooSkewed`). Throws {@link S3Error}.
 * @internal
 */
export async function authenticate(
  ctx: EmulatorContext,
  request: Request,
  body: Uint8Array,
): Promise<S3Caller> {
  // The region was checked against the bucket's before (checkBucketRegion); here the signature itself.
  const result = await verifySigV4(request, body, (id) => ctx.state.aws.sessions.get(id), {
    now: () => ctx.now(),
    service: "s3",
    ...wireSigV4Options(request),
  });
  if (!result.ok) throw new S3Error(result.status, result.code, result.message, { ...result.details });
  return { session: result.credentials, presigned: result.presigned, requestTime: result.requestTime };
}

function principalContext(ctx: EmulatorContext, caller: S3Caller, request: Request): Record<string, string> {
  const { session } = caller;
  const now = ctx.now();
  const context: Record<string, string> = {
    "aws:userid": session.assumedRoleId,
    "aws:PrincipalArn": session.roleArn,
    "aws:PrincipalAccount": session.accountId,
    "aws:PrincipalType": "AssumedRole",
    "aws:CurrentTime": new Date(now).toISOString(),
    "aws:EpochTime": String(Math.floor(now / 1000)),
    "aws:SecureTransport": String(new URL(request.url).protocol === "https:"),
    "s3:authType": caller.presigned ? "REST-QUERY-STRING" : "REST-HEADER",
    "s3:signatureversion": "AWS4-HMAC-SHA256",
    "s3:signatureAge": String(Math.max(0, now - caller.requestTime)),
  };
  for (const [key, value] of Object.entries(session.tags)) context[`aws:PrincipalTag/${key}`] = value;
  if (session.sourceIdentity) context["aws:SourceIdentity"] = session.sourceIdentity;
  if (session.webIdentity) context["aws:FederatedProvider"] = session.webIdentity.provider;
  return context;
}

/**
 * Allows the action or throws `AccessDenied` with the reason S3 gives (which kind of policy did not allow it or
 * denied it explicitly). Session policies narrow the role's permissions; managed policy ARNs passed to the session
 * cannot be resolved by the emulator and so allow nothing.
 * @internal
 */
export function authorize(
  ctx: EmulatorContext,
  caller: S3Caller,
  request: Request,
  action: string,
  resource: string,
  extraContext: RequestContext = {},
): void {
  const { session } = caller;
  const role = [...ctx.state.aws.roles.values()].find((r) => r.arn === session.roleArn);
  const evaluation: EvaluationRequest = {
    action,
    resource,
    context: { ...principalContext(ctx, caller, request), ...extraContext },
  };
  const identity = evaluatePolicies(role?.permissionPolicies ?? [], evaluation);
  const bounded = session.sessionPolicies.length > 0 || session.policyArns.length > 0;
  const sessionDecision = bounded ? evaluatePolicies(session.sessionPolicies, evaluation) : "allow";
  if (identity === "allow" && sessionDecision === "allow") return;
  const why =
    identity === "explicit-deny"
      ? "with an explicit deny in an identity-based policy"
      : sessionDecision === "explicit-deny"
        ? "with an explicit deny in a session policy"
        : identity !== "allow"
          ? `because no identity-based policy allows the ${action} action`
          : `because no session policy allows the ${action} action`;
  throw new S3Error(
    403,
    "AccessDenied",
    `User: ${session.assumedRoleArn} is not authorized to perform: ${action} on resource: "${resource}" ${why}`,
  );
}
