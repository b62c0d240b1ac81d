/**
 * AWS outbound identity federation: `sts:GetWebIdentityToken` gives an AWS workload (a Lambda, an ECS task, an
 * EC2 role) a JWT from its account's issuer for GCP, Azure or a SaaS API, so AWS → elsewhere needs no stored key.
 * One SigV4-signed POST with the workload's own credentials; the answer's token is a subject token source.
 *
 * @packageDocumentation
 */
import type { Clock, FederationError, FetchLike, RetryPolicy, SubjectTokenSource } from "@fedkit/core";
import {
  cloudFailure,
  createExchangeContext,
  decodeSubjectToken,
  type HttpResponse,
  outageCode,
  redactResponse,
  unreadableMessage,
} from "@fedkit/core/provider";
import { stsEndpoint } from "./partition.js";
import { BoundedMap } from "./signing.js";
import { isTransientSts, signedSecrets, signedStsHeaders, stsForm, stsTarget } from "./sts-request.js";
import { peekStsError } from "./sts-response.js";
import { parseXml, xmlText } from "./xml.js";

/** The workload's own AWS credentials (from its role: `AWS_ACCESS_KEY_ID`, … or the SDK's provider chain). @public */
export interface AwsWorkloadCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Options of {@link awsWebIdentityToken}. @public */
export interface AwsWebIdentityTokenOptions {
  /** Called for every token; return the workload's current credentials. */
  readonly credentials: () => Promise<AwsWorkloadCredentials> | AwsWorkloadCredentials;
  readonly region: string;
  /** `RS256` (default) or `ES384`; Entra accepts RS256 only. */
  readonly signingAlgorithm?: "RS256" | "ES384";
  /** 60–3600, default 300. */
  readonly durationSeconds?: number;
  /** A custom STS endpoint (the emulator); needs `allowCustomEndpoint`. */
  readonly endpoint?: string;
  readonly allowCustomEndpoint?: boolean;
  /** Default `globalThis.fetch`, looked up at call time. */
  readonly fetch?: FetchLike;
  /** Default `Date.now`. */
  readonly now?: Clock;
  /**
   * Attempts, timeouts, overall deadline and the answer's size cap, as for every exchange (core's
   * `RetryPolicy`): 5xx, 429 and STS's `Throttling` are retried.
   */
  readonly retry?: Partial<RetryPolicy>;
}

/**
 * A source whose token comes from `GetWebIdentityToken` for the audience of each exchange. The caller's
 * permission policy must allow `sts:GetWebIdentityToken` for that audience (`sts:IdentityTokenAudience`).
 *
 * @example
 * ```ts
 * import { awsWebIdentityToken } from "@fedkit/aws";
 * const source = awsWebIdentityToken({
 *   region: "us-east-1",
 *   credentials: () => ({ accessKeyId: "AKIA…", secretAccessKey: "…", sessionToken: "…" }),
 * });
 * ```
 * @public
 */
export function awsWebIdentityToken(options: AwsWebIdentityTokenOptions): SubjectTokenSource {
  if (typeof options?.credentials !== "function" || !options.region)
    throw new TypeError("awsWebIdentityToken: pass credentials (a function) and region");
  const duration = options.durationSeconds ?? 300;
  if (!Number.isInteger(duration) || duration < 60 || duration > 3600)
    throw new TypeError("awsWebIdentityToken: durationSeconds must be an integer from 60 to 3600");
  const target = stsTarget(
    options.region,
    stsEndpoint(options.region),
    options.endpoint,
    options.allowCustomEndpoint,
  );
  const cache = new BoundedMap<string, Uint8Array>(4);
  return {
    name: "aws:GetWebIdentityToken",
    async getToken({ audience, signal }) {
      const creds = await options.credentials();
      const body = stsForm({
        Action: "GetWebIdentityToken",
        Version: "2011-06-15",
        Audience: [audience],
        SigningAlgorithm: options.signingAlgorithm ?? "RS256",
        DurationSeconds: duration,
      });
      const headers = await signedStsHeaders(target, body, creds, cache, (options.now ?? Date.now)());
      // Core's safe client, as every exchange: no redirect followed (the POST is signed), per-attempt timeout,
      // overall deadline, the answer's size capped, transient refusals retried.
      const ctx = createExchangeContext({
        fetch: options.fetch,
        now: options.now,
        signal,
        retry: options.retry,
      });
      const sent = await ctx.send({
        url: `${target.endpoint}/`,
        method: "POST",
        headers,
        body,
        endpoint: target.rule,
        operation: "sts:GetWebIdentityToken",
        isTransient: isTransientSts,
      });
      // A failed answer's text ends up in messages, audit events and logs: what this call sent and STS could echo
      // (the session token, the signature) is cut out of it first, as callSts does.
      const failed = () => redactResponse(sent, signedSecrets(headers));
      if (sent.status < 200 || sent.status > 299) throw outboundFailure(failed());
      let token: string | undefined;
      try {
        token = xmlText(parseXml(sent.text), "GetWebIdentityTokenResult", "WebIdentityToken");
      } catch {}
      if (!token) {
        const answer = failed();
        const message = unreadableMessage("sts:GetWebIdentityToken", answer, "an answer with a token");
        throw cloudFailure(answer, { ...FAILURE, message });
      }
      return decodeSubjectToken(token);
    },
  };
}

const FAILURE = { provider: "aws", requestIdHeaders: ["x-amzn-requestid"] } as const;
const OUTBOUND_HINTS: Record<string, string> = {
  OutboundWebIdentityFederationDisabled:
    "Enable outbound identity federation for the account (IAM console, account settings).",
  AccessDenied:
    "Allow sts:GetWebIdentityToken in the workload role's permission policy for this audience (sts:IdentityTokenAudience).",
};

/** A refused `GetWebIdentityToken`: STS's error code and a fix, or what was received instead. */
function outboundFailure(answer: HttpResponse): FederationError {
  const error = peekStsError(answer.text);
  const message = `sts:GetWebIdentityToken failed (${answer.status}${error ? ` ${error.code}` : ""}).`;
  if (error === undefined) return cloudFailure(answer, { ...FAILURE, message });
  const outage = outageCode(answer.status);
  return cloudFailure(answer, {
    ...FAILURE,
    message,
    refusal: {
      code: answer.status === 403 ? "access_denied" : (outage ?? "invalid_request"),
      hint: OUTBOUND_HINTS[error.code] ?? "See cloudCode and cloudMessage.",
      retryable: outage !== undefined,
      cloudCode: error.code,
      ...(error.message !== undefined && { cloudMessage: error.message }),
      ...(error.requestId !== undefined && { requestId: error.requestId }),
    },
  });
}
