/**
 * IAM Credentials `generateAccessToken` and `generateIdToken`, called with the federated token.
 *
 * @packageDocumentation
 */
import type { AccessToken, SubjectToken } from "@fedkit/core";
import { type ExchangeContext, redactResponse } from "@fedkit/core/provider";
import type { ResolvedGcp } from "./endpoints.js";
import { gcpError } from "./error.js";
import { googleError, readAnswer } from "./google-errors.js";
import { metricsHeader } from "./sts.js";

/**
 * One call on the impersonated service account, with the delegation chain; answers `field` of the answer.
 * @internal
 */
export async function impersonate(
  subject: SubjectToken,
  resolved: ResolvedGcp,
  federatedToken: string,
  method: "generateAccessToken" | "generateIdToken",
  body: Record<string, unknown>,
  ctx: ExchangeContext,
): Promise<(field: string) => string> {
  const delegates = resolved.delegates.map((email) => `projects/-/serviceAccounts/${email}`);
  const response = await ctx.send({
    // The email goes in unencoded, as Google's libraries send it; checkServiceAccount() allows no `/`, `:` or space.
    url: `${resolved.iamCredentialsOrigin}/v1/projects/-/serviceAccounts/${resolved.serviceAccount!}:${method}`,
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${federatedToken}`,
      "x-goog-api-client": metricsHeader(resolved),
    },
    body: JSON.stringify({ ...(delegates[0] && { delegates }), ...body }),
    endpoint: resolved.iamRule,
    operation: `gcp:iamcredentials.${method}`,
  });
  if (response.status !== 200) {
    throw googleError(redactResponse(response, [subject.raw, federatedToken]), resolved, subject, method);
  }
  return readAnswer(response, `IAM Credentials ${method}`)[1];
}

/**
 * Impersonates the service account: `generateAccessToken` with scopes and lifetime.
 * @internal
 */
export async function generateAccessToken(
  subject: SubjectToken,
  resolved: ResolvedGcp,
  federatedToken: string,
  scopes: readonly string[],
  lifetimeSeconds: number,
  ctx: ExchangeContext,
): Promise<AccessToken> {
  const field = await impersonate(
    subject,
    resolved,
    federatedToken,
    "generateAccessToken",
    { scope: scopes, lifetime: `${lifetimeSeconds}s` },
    ctx,
  );
  const token = field("accessToken");
  const expiresAt = Date.parse(field("expireTime"));
  if (Number.isNaN(expiresAt)) {
    throw gcpError("bad_response", "IAM Credentials generateAccessToken answered a bad expireTime");
  }
  return { kind: "access-token", token, tokenType: "Bearer", expiresAt, scopes };
}
