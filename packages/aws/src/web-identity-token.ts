/**
 * AWS outbound identity federation: `sts:GetWebIdentityToken` gives an AWS workload (a Lambda, an ECS task, an
 * EC2 role) a JWT from its account's issuer for GCP, Azure or a SaaS API, so AWS → elsewhere needs no stored key.
 * One SigV4-signed POST with the workload's own credentials; the answer's token is a subject token source.
 *
 * @packageDocumentation
 */
import { type Clock, FederationError, type FetchLike, type SubjectTokenSource } from "@fedkit/core";
import { decodeSubjectToken } from "@fedkit/core/provider";
import { stsEndpoint } from "./partition.js";
import { BoundedMap } from "./signing.js";
import { signedStsHeaders, stsForm, stsTarget } from "./sts-request.js";
import { parseStsError } from "./sts-response.js";
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
  const cache = new BoundedMap<string, CryptoKey>(4);
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
      const response = await (options.fetch ?? globalThis.fetch)(`${target.endpoint}/`, {
        method: "POST",
        headers,
        body,
        redirect: "error",
        ...(signal ? { signal } : {}),
      });
      const text = await response.text();
      if (!response.ok) throw failure(response.status, text);
      const token = xmlText(parseXml(text), "GetWebIdentityTokenResult", "WebIdentityToken");
      if (!token)
        throw new FederationError("bad_response", "GetWebIdentityToken answered no token.", {
          provider: "aws",
          status: response.status,
        });
      return decodeSubjectToken(token);
    },
  };
}

function failure(status: number, text: string): FederationError {
  let code: string | undefined;
  try {
    code = parseStsError(text).code;
  } catch {
    code = undefined;
  }
  const hint =
    code === "OutboundWebIdentityFederationDisabled"
      ? "Enable outbound identity federation for the account (IAM console, account settings)."
      : code === "AccessDenied"
        ? "Allow sts:GetWebIdentityToken in the workload role's permission policy for this audience (sts:IdentityTokenAudience)."
        : "See the cloud error code.";
  return new FederationError(
    status === 403 ? "access_denied" : "provider_unavailable",
    `GetWebIdentityToken failed (${status}${code ? ` ${code}` : ""}).`,
    {
      provider: "aws",
      status,
      ...(code ? { cloudCode: code } : {}),
      retryable: status >= 500 || status === 429,
      hint,
    },
  );
}
