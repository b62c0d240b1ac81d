/**
 * The Google STS token exchange (RFC 8693), shaped exactly like google-auth-library's request.
 *
 * @packageDocumentation
 */

import type { AccessToken, SubjectToken } from "@fedkit/core";
import { type ExchangeContext, formBody, redactResponse } from "@fedkit/core/provider";
import type { ResolvedGcp } from "./endpoints.js";
import { googleError, readAnswer, STS_OPERATION } from "./google-errors.js";

/** RFC 8693's token type URIs, followed by `access_token`, `jwt` or `id_token`. */
const TOKEN_TYPE = "urn:ietf:params:oauth:token-type:";

/** Used when STS omits `expires_in` (Google does so only for Google-issued subject tokens). */
const FALLBACK_LIFETIME_MS = 3_600_000;

/**
 * The `x-goog-api-client` metrics header in the format Google's BYOID libraries use, naming fedkit instead of
 * the language runtime. @internal
 */
export function metricsHeader(resolved: ResolvedGcp): string {
  return `fedkit-gcp/0 google-byoid-sdk source/programmatic sa-impersonation/${resolved.serviceAccount !== undefined} config-lifetime/${resolved.configLifetime}`;
}

/**
 * Exchanges the subject token for a federated access token (one POST to STS): the provider's credentials when
 * there is no impersonation, with the scopes STS granted (else those asked for).
 * @internal
 */
export async function stsExchange(
  subject: SubjectToken,
  resolved: ResolvedGcp,
  scopes: readonly string[],
  ctx: ExchangeContext,
): Promise<AccessToken> {
  const userProject = resolved.workforcePoolUserProject;
  const response = await ctx.send({
    url: resolved.stsUrl,
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
      "x-goog-api-client": metricsHeader(resolved),
    },
    body: formBody({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      audience: resolved.provider.resource,
      scope: scopes.join(" "),
      requested_token_type: `${TOKEN_TYPE}access_token`,
      subject_token: subject.raw,
      subject_token_type: TOKEN_TYPE + resolved.subjectTokenType,
      options: userProject === undefined ? undefined : JSON.stringify({ userProject }),
    }),
    endpoint: resolved.stsRule,
    operation: "gcp:sts.token",
  });
  if (response.status !== 200) throw googleError(redactResponse(response, [subject.raw]), resolved, subject);
  const [json, field] = readAnswer(response, STS_OPERATION);
  const { expires_in: expiresIn, scope } = json;
  return {
    kind: "access-token",
    token: field("access_token"),
    tokenType: "Bearer",
    expiresAt: ctx.now() + (typeof expiresIn === "number" ? expiresIn * 1000 : FALLBACK_LIFETIME_MS),
    scopes: typeof scope === "string" && scope ? scope.split(" ") : scopes,
  };
}
