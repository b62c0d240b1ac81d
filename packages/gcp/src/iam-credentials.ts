/**
 * IAM Credentials `generateAccessToken` and `generateIdToken`, called with the federated token.
 *
 * @packageDocumentation
 */
import { FederationError, type SubjectToken } from "@fedkit/core";
import { type ExchangeContext, type HttpResponse, redactResponse } from "@fedkit/core/provider";
import type { ResolvedGcp } from "./endpoints.js";
import { iamError, readAnswer, unreadable } from "./google-errors.js";
import { metricsHeader } from "./sts.js";

// The email goes in unencoded, as Google's libraries send it; checkServiceAccount() allows no `/`, `:` or space.
function serviceAccountUrl(resolved: ResolvedGcp, method: string): string {
  return `${resolved.iamCredentialsOrigin}/v1/projects/-/serviceAccounts/${resolved.serviceAccount!}:${method}`;
}

function delegatePaths(resolved: ResolvedGcp): string[] {
  return resolved.delegates.map((email) => `projects/-/serviceAccounts/${email}`);
}

async function post(
  resolved: ResolvedGcp,
  method: string,
  federatedToken: string,
  body: Record<string, unknown>,
  ctx: ExchangeContext,
): Promise<HttpResponse> {
  return ctx.send({
    url: serviceAccountUrl(resolved, method),
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${federatedToken}`,
      "x-goog-api-client": metricsHeader(resolved),
    },
    body: JSON.stringify(body),
    endpoint: resolved.iamRule,
    operation: `gcp:iamcredentials.${method}`,
  });
}

function field(response: HttpResponse, name: string, operation: string): string {
  const answer = readAnswer(response);
  const value = answer.json?.[name];
  if (typeof value === "string" && value.length > 0) return value;
  if (answer.json === undefined) throw unreadable(response, answer, `IAM Credentials ${operation}`);
  throw new FederationError("bad_response", `IAM Credentials ${operation} answered 200 without ${name}`, {
    provider: "gcp",
    status: response.status,
    attempts: response.attempts,
  });
}

/**
 * Impersonates the service account: `generateAccessToken` with scopes, lifetime and delegates.
 * @internal
 */
export async function generateAccessToken(
  subject: SubjectToken,
  resolved: ResolvedGcp,
  federatedToken: string,
  scopes: readonly string[],
  lifetimeSeconds: number,
  ctx: ExchangeContext,
): Promise<{ token: string; expiresAt: number }> {
  const delegates = delegatePaths(resolved);
  const body = {
    ...(delegates.length > 0 ? { delegates } : {}),
    scope: [...scopes],
    lifetime: `${lifetimeSeconds}s`,
  };
  const response = await post(resolved, "generateAccessToken", federatedToken, body, ctx);
  if (response.status !== 200) {
    throw iamError(
      redactResponse(response, [subject.raw, federatedToken]),
      resolved,
      subject,
      "generateAccessToken",
    );
  }
  const token = field(response, "accessToken", "generateAccessToken");
  const expireTime = Date.parse(field(response, "expireTime", "generateAccessToken"));
  if (Number.isNaN(expireTime)) {
    throw new FederationError(
      "bad_response",
      "IAM Credentials generateAccessToken answered an unreadable expireTime",
      {
        provider: "gcp",
        status: response.status,
      },
    );
  }
  return { token, expiresAt: expireTime };
}

/**
 * Asks for an ID token of the service account (`generateIdToken`), for Cloud Run or IAP.
 * @internal
 */
export async function generateIdToken(
  subject: SubjectToken,
  resolved: ResolvedGcp,
  federatedToken: string,
  audience: string,
  includeEmail: boolean,
  ctx: ExchangeContext,
): Promise<string> {
  const delegates = delegatePaths(resolved);
  const body = { ...(delegates.length > 0 ? { delegates } : {}), audience, includeEmail };
  const response = await post(resolved, "generateIdToken", federatedToken, body, ctx);
  if (response.status !== 200) {
    throw iamError(
      redactResponse(response, [subject.raw, federatedToken]),
      resolved,
      subject,
      "generateIdToken",
    );
  }
  return field(response, "token", "generateIdToken");
}
