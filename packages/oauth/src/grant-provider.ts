/**
 * The one exchange every OAuth grant provider here runs: post the grant, map an error answer, read the token.
 *
 * @packageDocumentation
 */
import type { AccessToken, AuditTarget, Provider, SubjectToken } from "@fedkit/core";
import type { ExchangeContext, ExchangeResult } from "@fedkit/core/provider";
import { redactResponse, summarizeSubject } from "@fedkit/core/provider";
import { readTokenAnswer } from "./answer.js";
import { type BodyEncoding, encodeTokenRequest, type TokenParams } from "./encode.js";
import type { TokenEndpoint } from "./endpoint.js";
import { oauthFailure } from "./oauth-error.js";

/**
 * A provider that exchanges a subject token at an OAuth token endpoint for a bearer access token.
 * @public
 */
export interface OAuthProvider extends Provider<AccessToken> {
  /** The checked token endpoint. */
  readonly tokenUrl: string;
  /** `TOKEN_EXCHANGE_GRANT` or `JWT_BEARER_GRANT`. */
  readonly grantType: string;
}

/** Everything that decides one grant request. @internal */
export interface GrantSpec {
  readonly provider: string;
  readonly grantType: string;
  readonly token: TokenEndpoint;
  readonly audience: string;
  readonly encoding: BodyEncoding;
  /** The request's parameters besides the subject token. */
  readonly params: TokenParams;
  /** Which parameter carries the subject token (`subject_token`, `assertion`). */
  readonly subjectParam: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** What holds the trust at the service, for hints (`federation rule fdrl_x`). */
  readonly trustHolder: string;
  readonly target: AuditTarget;
  readonly requestedTokenType?: string;
  readonly defaultLifetimeSeconds?: number;
  /** The service's documented limits on the subject token, checked before it is sent. */
  readonly checkSubject?: (subject: SubjectToken) => void;
  /** Extra fields of the provider object (ids a named provider exposes). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

async function exchange(
  spec: GrantSpec,
  subject: SubjectToken,
  ctx: ExchangeContext,
): Promise<ExchangeResult<AccessToken>> {
  spec.checkSubject?.(subject);
  const { body, contentType } = encodeTokenRequest(
    { grant_type: spec.grantType, ...spec.params, [spec.subjectParam]: subject.raw },
    spec.encoding,
  );
  const sentAt = ctx.now();
  const response = await ctx.send({
    url: spec.token.url,
    method: "POST",
    headers: { ...spec.headers, "content-type": contentType, accept: "application/json" },
    body,
    endpoint: spec.token.endpoint,
    operation: `${spec.provider}:token`,
  });
  const answer = redactResponse(response, [subject.raw]);
  if (response.status !== 200) {
    const scope = spec.params["scope"];
    const targets = [spec.params["audience"], spec.params["resource"]].flat().filter((v) => v !== undefined);
    throw oauthFailure(answer, {
      provider: spec.provider,
      subject: summarizeSubject(subject),
      audience: spec.audience,
      trustHolder: spec.trustHolder,
      ...(targets.length > 0 ? { target: targets as string[] } : {}),
      ...(typeof scope === "string" ? { scope } : {}),
    });
  }
  const credentials = readTokenAnswer(answer, {
    provider: spec.provider,
    sentAt,
    ...(spec.requestedTokenType === undefined ? {} : { requestedTokenType: spec.requestedTokenType }),
    ...(spec.defaultLifetimeSeconds === undefined
      ? {}
      : { defaultLifetimeSeconds: spec.defaultLifetimeSeconds }),
  });
  return { credentials };
}

/** Builds the provider object for a grant spec. @internal */
export function grantProvider(spec: GrantSpec): OAuthProvider {
  return {
    ...spec.extra,
    cloud: spec.provider,
    // Every input that changes what the token may do: endpoint, grant, audience, parameters, encoding.
    key: JSON.stringify([
      spec.provider,
      spec.token.url,
      spec.grantType,
      spec.audience,
      spec.encoding,
      Object.entries(spec.params).sort(([a], [b]) => (a < b ? -1 : 1)),
    ]),
    audience: spec.audience,
    target: spec.target,
    tokenUrl: spec.token.url,
    grantType: spec.grantType,
    exchange: (subject, ctx) => exchange(spec, subject, ctx),
  };
}
