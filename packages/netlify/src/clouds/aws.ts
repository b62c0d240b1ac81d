import {
  AWS_TAGS_CLAIM,
  type AwsCredentials,
  type AwsFetch,
  awsFetchMaker,
  awsProvider,
  awsSessionTagsClaim,
  type CredentialGetter,
  type PolicyDocument,
} from "@fedkit/aws";
import type { Provider } from "@fedkit/core";
import type { TargetConfig } from "../config.js";
import type { CloudPlugin } from "./types.js";

/** An AWS role target. @public */
export interface AwsTargetConfig extends TargetConfig {
  readonly cloud: "aws";
  readonly roleArn: string;
  /** STS and signing region; never defaulted. */
  readonly region: string;
  /** Signing name of the service the client talks to. Default `s3`. */
  readonly service?: string;
  /** Custom STS endpoint (the emulator on loopback); needs `allowCustomEndpoint`. */
  readonly endpoint?: string;
  readonly allowCustomEndpoint?: boolean;
  /**
   * Exact origins outside AWS's own hosts that the client may sign requests for (the emulator's S3 on
   * loopback). Anything else off AWS is refused with `endpoint_refused` before it is signed.
   */
  readonly allowedOrigins?: readonly string[];
  /** Put session tags (site, context, function, user) into tokens. Default true; needs `sts:TagSession`. */
  readonly sessionTags?: boolean;
  readonly policy?: unknown;
  readonly policyArns?: readonly string[];
}

const DEFAULT_AUDIENCE = "sts.amazonaws.com";

// Makers by provider, with the target they were made for: a provider is made for one binding, and dropped with it.
const makers = new WeakMap<
  Provider,
  { readonly target: AwsTargetConfig; readonly make: (credentials: CredentialGetter) => AwsFetch }
>();

/**
 * The AWS plugin (`@fedkit/netlify/aws`; name it in the config as `clouds: { aws: awsCloud }`):
 * `awsProvider` for the exchange, `awsFetch` (SigV4) as the handler's client.
 * @public
 */
export const awsCloud: CloudPlugin<AwsTargetConfig, AwsFetch> = {
  cloud: "aws",
  audience: (target) => target.audience ?? DEFAULT_AUDIENCE,
  trustHolder: "IAM role",
  // awsProvider and awsFetch treat an undefined option as absent.
  provider: ({ target, durationSeconds, env }) =>
    awsProvider({
      roleArn: target.roleArn,
      region: target.region,
      audience: target.audience ?? DEFAULT_AUDIENCE,
      env,
      durationSeconds,
      endpoint: target.endpoint,
      allowCustomEndpoint: target.allowCustomEndpoint,
      policy: target.policy as PolicyDocument,
      policyArns: target.policyArns,
    }),
  // A client per request (each request's credential getter carries its ids), from one maker per provider and
  // target (a binding's): the maker's checks and sender are made once per binding, not per request.
  client(credentials, provider, { target }) {
    let made = makers.get(provider);
    if (made?.target !== target) {
      const make = awsFetchMaker(provider as Provider<AwsCredentials>, {
        service: target.service ?? "s3",
        region: target.region,
        allowedOrigins: target.allowedOrigins,
      });
      made = { target, make };
      makers.set(provider, made);
    }
    return made.make(credentials);
  },
  mintOptions(target, input) {
    if (target.sessionTags === false) return {};
    const awsTags: Record<string, string> = {
      site: input.siteId,
      context: input.context,
      function: input.functionName,
    };
    if (input.user !== undefined) awsTags["user"] = input.user;
    // AWS's claim shaping lives on the AWS side; the issuer only takes extra claims.
    return { claims: awsSessionTagsClaim(awsTags) };
  },
  claimsSupported: [AWS_TAGS_CLAIM],
};
