/**
 * `awsProvider`: a subject token in, temporary AWS credentials out, through one unsigned
 * `AssumeRoleWithWebIdentity` form POST to the regional STS endpoint.
 *
 * @packageDocumentation
 */
import type { Provider, SubjectToken } from "@fedkit/core";
import { type EnvInput, type ExchangeContext, type ExchangeResult, toEnvGetter } from "@fedkit/core/provider";
import type { AwsCredentials } from "./credentials.js";
import { awsError } from "./errors.js";
import { checkRegion, checkSamePartition, parseRoleArn, type RoleArn, stsEndpoint } from "./partition.js";
import {
  checkPolicyArns,
  checkSessionPolicy,
  type PolicyDocument,
  type SessionPolicyTemplate,
} from "./policy.js";
import {
  checkSessionName,
  resolveSessionName,
  type SessionNameOption,
  sessionNameKey,
} from "./session-name.js";
import { callSts, STS_FORM_HEADERS, type StsTarget, stsForm, stsTarget } from "./sts-request.js";

/** A session policy: a document, its JSON text, or a per-subject {@link SessionPolicyTemplate}. @public */
export type SessionPolicyOption = PolicyDocument | string | SessionPolicyTemplate;

/** Options of {@link awsProvider}. @public */
export interface AwsProviderOptions {
  /** The role to assume. Default: `AWS_ROLE_ARN` from `env`. Validated, partition-aware. */
  readonly roleArn?: string;
  /** The STS region. Default: `AWS_REGION`, then `AWS_DEFAULT_REGION` from `env`; never a silent default. */
  readonly region?: string;
  /**
   * The role session name (CloudTrail, assumed-role ARN). Default: `AWS_ROLE_SESSION_NAME` from `env`, else
   * derived from the token's `sub`, sanitised to `[\w+=,.@-]{2,64}`. A function result is sanitised too.
   */
  readonly sessionName?: SessionNameOption;
  /** 900 to 43200 seconds; STS refuses more than the role's maximum. Default: STS's (3600). */
  readonly durationSeconds?: number;
  /** An inline session policy that narrows the role's permissions (at most 2048 characters). */
  readonly policy?: SessionPolicyOption;
  /** Managed policies to narrow the session with (at most 10). */
  readonly policyArns?: readonly string[];
  /** The `aud` the token must carry and the IAM OIDC provider lists. Default `"sts.amazonaws.com"`. */
  readonly audience?: string;
  /** A custom STS endpoint (the emulator on loopback, a VPC endpoint). Requires `allowCustomEndpoint`. */
  readonly endpoint?: string;
  /** Opts into sending tokens to `endpoint`. */
  readonly allowCustomEndpoint?: boolean;
  /** Where `AWS_*` defaults come from. Default: `Netlify.env`, `Deno.env`, `process.env`, read at creation. */
  readonly env?: EnvInput;
}

/** The provider {@link awsProvider} returns; `role` and `sts` let {@link assumeRole} chain from it. @public */
export interface AwsProvider extends Provider<AwsCredentials> {
  readonly cloud: "aws";
  readonly role: RoleArn;
  readonly sts: StsTarget;
}

/**
 * `seconds` when it is a whole number from 900 to `max` (3600 for a chained hop, whatever the role allows).
 * @throws FederationError `config`.
 * @internal
 */
export function checkDuration(seconds: number | undefined, max: number, where: string): number | undefined {
  if (seconds === undefined || (Number.isInteger(seconds) && seconds >= 900 && seconds <= max))
    return seconds;
  throw awsError(
    "config",
    `${where}: durationSeconds must be an integer from 900 to ${max}`,
    "Pass one within the role's maximum.",
  );
}

/** Normalises a session policy option into a renderer plus the text that goes into the cache key. @internal */
export function sessionPolicy(option: SessionPolicyOption | undefined): {
  readonly key: string;
  render(subject: SubjectToken): string | undefined;
} {
  if (option === undefined) return { key: "", render: () => undefined };
  // A template already is a key and a renderer (called as its method, as it was written).
  if (typeof (option as SessionPolicyTemplate).render === "function") return option as SessionPolicyTemplate;
  const text = checkSessionPolicy(typeof option === "string" ? option : JSON.stringify(option));
  try {
    JSON.parse(text);
  } catch {
    throw awsError("config", "the session policy is not valid JSON", "Pass an IAM policy document.");
  }
  return { key: text, render: () => text };
}

/** The headers of every `AssumeRoleWithWebIdentity` call: one frozen object, not a copy per exchange. */
const WEB_IDENTITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...STS_FORM_HEADERS,
  accept: "text/xml",
});

/** A `config` error for a missing required option. */
const missing = (what: string, hint: string) => awsError("config", `awsProvider: no ${what}`, hint);

/**
 * Creates the AWS provider: exchanges a subject token for temporary credentials of `roleArn` with STS
 * `AssumeRoleWithWebIdentity` (one unsigned form POST to `https://sts.<region>.amazonaws.com`).
 *
 * @example
 * ```ts
 * import { createFederation } from "@fedkit/core";
 * import { awsProvider, awsFetch } from "@fedkit/aws";
 *
 * const federation = createFederation({ source });
 * const aws = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/web-reader", region: "eu-west-1" });
 * const s3 = awsFetch(federation, aws, { service: "s3" });
 * const res = await s3("https://my-bucket.s3.eu-west-1.amazonaws.com/report.csv");
 * ```
 * @throws FederationError `config` for a missing region or role, a malformed ARN, a bad duration or policy.
 * @public
 */
export function awsProvider(options: AwsProviderOptions = {}): AwsProvider {
  const env = toEnvGetter(options.env);
  const roleText = options.roleArn ?? env("AWS_ROLE_ARN");
  if (!roleText)
    throw missing("roleArn given and AWS_ROLE_ARN is not set", "Pass roleArn or set AWS_ROLE_ARN.");
  const role = parseRoleArn(roleText);
  const regionText = options.region ?? env("AWS_REGION") ?? env("AWS_DEFAULT_REGION");
  // Never a silent us-east-1: the region decides where tokens go.
  if (!regionText) throw missing("region given and AWS_REGION is not set", "Pass region or set AWS_REGION.");
  const region = checkRegion(regionText, "awsProvider");
  checkSamePartition(role, region);
  const sts = stsTarget(region, stsEndpoint(region), options.endpoint, options.allowCustomEndpoint);
  const sessionNameOption = options.sessionName ?? env("AWS_ROLE_SESSION_NAME");
  if (typeof sessionNameOption === "string") checkSessionName(sessionNameOption, "awsProvider");
  const durationSeconds = checkDuration(options.durationSeconds, 43200, "awsProvider");
  const policy = sessionPolicy(options.policy);
  const policyArns = checkPolicyArns(options.policyArns ?? []);
  const audience = options.audience ?? "sts.amazonaws.com";
  if (typeof audience !== "string" || audience === "")
    throw new TypeError("awsProvider: audience must be a non-empty string");

  const fixedForm = stsForm({
    Action: "AssumeRoleWithWebIdentity",
    Version: "2011-06-15",
    RoleArn: role.arn,
  });
  const policyArnMembers = policyArns.map((arn) => ({ arn }));

  return {
    cloud: "aws",
    key: JSON.stringify([
      "aws:web-identity",
      role.arn,
      sts.endpoint,
      audience,
      durationSeconds ?? null,
      policy.key,
      policyArns,
      sessionNameKey(sessionNameOption),
    ]),
    audience,
    target: { role: role.arn, audience },
    role,
    sts,
    async exchange(subject: SubjectToken, ctx: ExchangeContext): Promise<ExchangeResult<AwsCredentials>> {
      const sessionName = resolveSessionName(sessionNameOption, subject);
      // The fields that never change per provider are encoded once; the same body as one stsForm of them all.
      const body = `${fixedForm}&${stsForm({
        RoleSessionName: sessionName,
        WebIdentityToken: subject.raw,
        DurationSeconds: durationSeconds,
        Policy: policy.render(subject),
        PolicyArns: policyArnMembers,
      })}`;
      const { credentials, requestId } = await callSts(ctx, sts, body, WEB_IDENTITY_HEADERS, {
        operation: "AssumeRoleWithWebIdentity",
        role,
        subject,
        audience,
      });
      return { credentials, sessionName, ...(requestId !== undefined && { requestId }) };
    },
  };
}
