/**
 * The Google STS token exchange (RFC 8693), shaped exactly like google-auth-library's request.
 *
 * @packageDocumentation
 */

import { FederationError, type SubjectToken } from "@fedkit/core";
import { type ExchangeContext, formBody, redactResponse } from "@fedkit/core/provider";
import type { ResolvedGcp } from "./endpoints.js";
import { readAnswer, stsError, unreadable } from "./google-errors.js";

/** @internal */
export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
/** @internal */
export const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const SUBJECT_TYPE = {
  jwt: "urn:ietf:params:oauth:token-type:jwt",
  id_token: "urn:ietf:params:oauth:token-type:id_token",
} as const;

/** A federated access token from STS. @internal */
export interface FederatedToken {
  readonly token: string;
  readonly expiresAt: number | undefined;
  readonly scopes: readonly string[] | undefined;
}

/**
 * The `x-goog-api-client` metrics header in the format Google's BYOID libraries use, naming fedkit instead of
 * the language runtime. @internal
 */
export function metricsHeader(resolved: ResolvedGcp): string {
  return `fedkit-gcp/0 google-byoid-sdk source/programmatic sa-impersonation/${resolved.serviceAccount !== undefined} config-lifetime/${resolved.configLifetime}`;
}

/**
 * Exchanges the subject token for a federated access token (one POST to STS).
 * @internal
 */
export async function stsExchange(
  subject: SubjectToken,
  resolved: ResolvedGcp,
  scopes: readonly string[],
  ctx: ExchangeContext,
): Promise<FederatedToken> {
  const form = formBody({
    grant_type: TOKEN_EXCHANGE_GRANT,
    audience: resolved.provider.resource,
    scope: scopes.join(" "),
    requested_token_type: ACCESS_TOKEN_TYPE,
    subject_token: subject.raw,
    subject_token_type: SUBJECT_TYPE[resolved.subjectTokenType],
    options:
      resolved.workforcePoolUserProject === undefined
        ? undefined
        : JSON.stringify({ userProject: resolved.workforcePoolUserProject }),
  });
  const response = await ctx.send({
    url: resolved.stsUrl,
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
      "x-goog-api-client": metricsHeader(resolved),
    },
    body: form,
    endpoint: resolved.stsRule,
    operation: "gcp:sts.token",
  });
  if (response.status !== 200) throw stsError(redactResponse(response, [subject.raw]), resolved, subject);
  const answer = readAnswer(response);
  const token = answer.json?.["access_token"];
  if (typeof token !== "string" || token.length === 0) {
    if (answer.json === undefined) throw unreadable(response, answer, "Google STS token exchange");
    throw new FederationError("bad_response", "Google STS answered 200 without an access_token", {
      provider: "gcp",
      status: response.status,
      attempts: response.attempts,
    });
  }
  const expiresIn = answer.json?.["expires_in"];
  const scope = answer.json?.["scope"];
  return {
    token,
    expiresAt: typeof expiresIn === "number" ? ctx.now() + expiresIn * 1000 : undefined,
    scopes: typeof scope === "string" && scope.length > 0 ? scope.split(" ") : undefined,
  };
}
