/**
 * Role chaining: the web-identity credentials of a first role sign an `AssumeRole` into a second role, with
 * an external ID, session tags and a source identity. AWS caps chained sessions at one hour.
 *
 * @packageDocumentation
 */
import { FederationError, type SubjectToken } from "@fedkit/core";
import type { ExchangeContext, ExchangeResult } from "@fedkit/core/provider";
import type { AwsCredentials } from "./credentials.js";
import { checkRegion, checkSamePartition, parseRoleArn, stsEndpoint } from "./partition.js";
import { assertTag, checkPolicyArns, MAX_SESSION_TAGS, renderClaims } from "./policy.js";
import { type AwsProvider, checkDuration, type SessionPolicyOption, sessionPolicy } from "./provider.js";
import {
  checkSessionName,
  resolveSessionName,
  type SessionNameOption,
  sessionNameKey,
} from "./session-name.js";
import { BoundedMap } from "./signing.js";
import { callSts, signedStsHeaders, stsForm, stsTarget } from "./sts-request.js";

/** Options of {@link assumeRole}. @public */
export interface AssumeRoleOptions {
  /** The role to chain into. */
  readonly roleArn: string;
  /** The `sts:ExternalId` the second role's trust policy requires, if any (2-1224 characters). */
  readonly externalId?: string;
  /**
   * Session tags (`sts:TagSession` must be allowed). Values may use `{{claim}}` placeholders, filled from the
   * subject token after validation; values with `*`, `?` or `$` are refused.
   */
  readonly tags?: Readonly<Record<string, string>>;
  /** Tag keys that stay on sessions chained further from this one. */
  readonly transitiveTagKeys?: readonly string[];
  /** `sts:SourceIdentity` (`sts:SetSourceIdentity` must be allowed); `{{claim}}` placeholders allowed. */
  readonly sourceIdentity?: string;
  /** 900 to 3600 seconds (chained sessions last at most an hour). */
  readonly durationSeconds?: number;
  /** Session name of the second hop. Default: the first hop's. */
  readonly sessionName?: SessionNameOption;
  readonly policy?: SessionPolicyOption;
  readonly policyArns?: readonly string[];
  /** Region of the second call. Default: the base provider's. */
  readonly region?: string;
  /** Custom STS endpoint for the second call; default: the base provider's endpoint. */
  readonly endpoint?: string;
  readonly allowCustomEndpoint?: boolean;
  /** Derived signing keys kept (default 4). */
  readonly keyCacheSize?: number;
}

/**
 * Chains a second role onto a web-identity provider: each exchange does the first hop, then an `AssumeRole`
 * signed (SigV4) with the first hop's credentials.
 *
 * @example
 * ```ts
 * const base = awsProvider({ roleArn: "arn:aws:iam::111111111111:role/web-identity", region: "eu-west-1" });
 * const data = assumeRole(base, {
 *   roleArn: "arn:aws:iam::222222222222:role/data-reader",
 *   externalId: "fedkit-prod",
 *   tags: { user: "{{sub}}" },
 * });
 * const creds = await federation.getCredentials(data);
 * ```
 * @public
 */
export function assumeRole(base: AwsProvider, options: AssumeRoleOptions): AwsProvider {
  const role = parseRoleArn(options.roleArn);
  const region = checkRegion(options.region ?? base.sts.region, "assumeRole");
  checkSamePartition(role, region);
  const sameEndpoint = options.endpoint === undefined && options.region === undefined;
  const target = sameEndpoint
    ? base.sts
    : stsTarget(region, stsEndpoint(region), options.endpoint, options.allowCustomEndpoint);
  const durationSeconds = checkDuration(options.durationSeconds, 3600, "assumeRole");
  const externalId = options.externalId;
  if (externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    throw new FederationError("config", "assumeRole: externalId must be 2-1224 characters of [\\w+=,.@:/-]", {
      provider: "aws",
    });
  }
  const tags = Object.entries(options.tags ?? {});
  if (tags.length > MAX_SESSION_TAGS) {
    throw new FederationError("config", `assumeRole: ${tags.length} tags; STS accepts ${MAX_SESSION_TAGS}`, {
      provider: "aws",
    });
  }
  for (const [k, v] of tags) assertTag(k, v.replace(/\{\{[^}]*\}\}/g, "x"));
  const transitive = options.transitiveTagKeys ?? [];
  for (const k of transitive) {
    if (!(options.tags && k in options.tags)) {
      throw new FederationError("config", `assumeRole: transitive tag key "${k}" is not among the tags`, {
        provider: "aws",
      });
    }
  }
  if (typeof options.sessionName === "string") checkSessionName(options.sessionName, "assumeRole");
  const policy = sessionPolicy(options.policy);
  const policyArns = checkPolicyArns(options.policyArns ?? []);
  const cache = new BoundedMap<string, Uint8Array>(options.keyCacheSize ?? 4);

  const key = JSON.stringify([
    "aws:assume-role",
    base.key,
    role.arn,
    target.endpoint,
    externalId ?? null,
    tags,
    transitive,
    options.sourceIdentity ?? null,
    durationSeconds ?? null,
    policy.key,
    policyArns,
    sessionNameKey(options.sessionName),
  ]);

  async function exchange(
    subject: SubjectToken,
    ctx: ExchangeContext,
  ): Promise<ExchangeResult<AwsCredentials>> {
    const first = await base.exchange(subject, ctx);
    const sessionName =
      options.sessionName === undefined && first.sessionName
        ? first.sessionName
        : resolveSessionName(options.sessionName, subject);
    const sessionTags = tags.map(([Key, template]) => {
      const Value = renderClaims(template, subject, `tag ${Key}`);
      assertTag(Key, Value);
      return { Key, Value };
    });
    const sourceIdentity =
      options.sourceIdentity === undefined
        ? undefined
        : renderClaims(options.sourceIdentity, subject, "sourceIdentity");
    if (sourceIdentity !== undefined && !/^[\w+=,.@-]{2,64}$/.test(sourceIdentity)) {
      throw new FederationError(
        "policy_refused",
        `sourceIdentity "${sourceIdentity}" is not [\\w+=,.@-]{2,64}`,
        {
          provider: "aws",
          hint: "AWS accepts source identities of 2-64 letters, digits and _+=,.@- ; pick a claim of that shape.",
        },
      );
    }
    const body = stsForm({
      Action: "AssumeRole",
      Version: "2011-06-15",
      RoleArn: role.arn,
      RoleSessionName: sessionName,
      ExternalId: externalId,
      DurationSeconds: durationSeconds,
      Policy: policy.render(subject),
      SourceIdentity: sourceIdentity,
      TransitiveTagKeys: transitive.length > 0 ? transitive : undefined,
      Tags: sessionTags,
      PolicyArns: policyArns.map((arn) => ({ arn })),
    });
    const creds = first.credentials;
    const headers = await signedStsHeaders(target, body, creds, cache, ctx.now());
    const info = { operation: "AssumeRole" as const, role, subject, audience: base.audience };
    const result = await callSts(
      ctx,
      target,
      body,
      headers,
      creds.assumedRoleArn ? { ...info, caller: creds.assumedRoleArn } : info,
    );
    const credentials = result.credentials;
    return result.requestId === undefined
      ? { credentials, sessionName }
      : { credentials, sessionName, requestId: result.requestId };
  }

  return {
    cloud: "aws",
    key,
    audience: base.audience,
    target: { role: role.arn, audience: base.audience },
    role,
    sts: target,
    exchange,
  };
}
