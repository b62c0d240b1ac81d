import type { EmulatorContext } from "../context.js";
import type { ServiceDefinition } from "../services.js";
import { assumeRole, getCallerIdentity } from "./sts-assume-role.js";
import { getWebIdentityToken } from "./sts-outbound.js";
import { readStsParams } from "./sts-params.js";
import { assumeRoleWithWebIdentity } from "./sts-web-identity.js";
import { StsError, stsErrorResponse, stsResult, type XmlNode } from "./sts-xml.js";

const VERSION = "2011-06-15";

type Operation = (
  ctx: EmulatorContext,
  request: Request,
  params: Awaited<ReturnType<typeof readStsParams>>,
) => Promise<XmlNode>;

const OPERATIONS: Record<string, Operation> = {
  AssumeRoleWithWebIdentity: (ctx, _request, params) => assumeRoleWithWebIdentity(ctx, params),
  AssumeRole: assumeRole,
  GetCallerIdentity: (ctx, request) => getCallerIdentity(ctx, request),
  GetWebIdentityToken: getWebIdentityToken,
};

/**
 * AWS STS over the query protocol (form POST or GET, `Action` + `Version=2011-06-15`), answering in STS's XML
 * with a `RequestId`, and errors as `<ErrorResponse>` with the botocore model's codes and statuses.
 * @internal
 */
export async function handleSts(request: Request, ctx: EmulatorContext): Promise<Response> {
  const requestId = ctx.requestId();
  try {
    const params = await readStsParams(request);
    const action = params.get("Action");
    if (!action) throw new StsError(400, "MissingAction", "Missing Action");
    const operation = OPERATIONS[action];
    if (!operation || params.get("Version") !== VERSION) {
      throw new StsError(
        400,
        "InvalidAction",
        `Could not find operation ${action} for version ${params.get("Version") ?? "NO_VERSION_SPECIFIED"}`,
      );
    }
    return stsResult(action, await operation(ctx, request, params), requestId);
  } catch (error) {
    if (error instanceof StsError) return stsErrorResponse(error, requestId);
    throw error;
  }
}

/** The STS listener (`urls.sts`). @internal */
export const stsService: ServiceDefinition = {
  name: "sts",
  enabled: () => true,
  create: () => handleSts,
};
