/**
 * Where a signed request may go. A SigV4 request carries the session token and a signature over the request, so
 * by default it goes only to AWS's own service hosts; any other origin (the emulator on loopback, a proxy) is
 * the caller's explicit `allowedOrigins` opt-in. STS keeps its narrower table in `@fedkit/core`.
 *
 * @packageDocumentation
 */
import { checkEndpoint, FederationError, hostMatches } from "@fedkit/core";

/**
 * AWS service hosts per partition (regional, dual-stack and FIPS endpoints, virtual-hosted S3 buckets, VPC
 * endpoints). `aws-us-gov` shares the commercial suffixes.
 * @public
 */
export const AWS_SERVICE_HOSTS: {
  readonly aws: readonly string[];
  readonly "aws-cn": readonly string[];
} = /* @__PURE__ */ Object.freeze({
  aws: /* @__PURE__ */ Object.freeze(["*.amazonaws.com", "*.api.aws"]),
  "aws-cn": /* @__PURE__ */ Object.freeze(["*.amazonaws.com.cn", "*.api.amazonwebservices.com.cn"]),
});

const OFFICIAL: readonly string[] = [...AWS_SERVICE_HOSTS.aws, ...AWS_SERVICE_HOSTS["aws-cn"]];

/**
 * Names under the official suffixes that answer with somebody's own code, not an AWS service: EC2 instances'
 * public DNS names and load balancers (which forward headers to their targets). Refused without an opt-in.
 */
const CUSTOMER_HOSTS: readonly string[] = [
  "*.compute.amazonaws.com",
  "*.compute-1.amazonaws.com",
  "*.elb.amazonaws.com",
  "*.compute.amazonaws.com.cn",
  "*.elb.amazonaws.com.cn",
];

/**
 * Validates an `allowedOrigins` option: each entry an `http(s)` origin without path, query or user info.
 * @throws TypeError naming the bad entry.
 * @internal
 */
export function checkAllowedOrigins(
  origins: readonly string[] | undefined,
  where: string,
): readonly string[] {
  if (origins === undefined) return [];
  if (!Array.isArray(origins)) throw new TypeError(`${where}: allowedOrigins must be an array of origins`);
  return origins.map((origin) => {
    let url: URL | undefined;
    try {
      url = typeof origin === "string" ? new URL(origin) : undefined;
    } catch {}
    if (
      !url ||
      (url.protocol !== "https:" && url.protocol !== "http:") ||
      url.username ||
      url.password ||
      url.pathname !== "/" ||
      url.search ||
      url.hash
    ) {
      throw new TypeError(
        `${where}: allowedOrigins entry ${JSON.stringify(origin)} is not an origin; use e.g. "http://127.0.0.1:4566"`,
      );
    }
    return url.origin;
  });
}

/**
 * Checks that a signed request may go to `url`: an origin in `allowedOrigins`, or `https:` on the default port to
 * an official AWS service host (not an EC2 or load-balancer name). Runs before any credentials are obtained.
 * @throws FederationError `endpoint_refused`, with a hint naming `allowedOrigins`; `config` for a malformed URL.
 * @internal
 */
export function checkServiceUrl(url: string, allowedOrigins: readonly string[], where: string): void {
  let parsed: URL;
  try {
    parsed = checkEndpoint(url, { cloud: "aws", officialHosts: OFFICIAL, allowedOrigins });
  } catch (cause) {
    if (!(cause instanceof FederationError) || cause.code !== "endpoint_refused") throw cause;
    throw refused(url, where, cause.message, cause);
  }
  if (allowedOrigins.includes(parsed.origin)) return;
  const host = parsed.hostname.toLowerCase().replace(/\.$/, "");
  if (CUSTOMER_HOSTS.some((pattern) => hostMatches(host, pattern))) {
    throw refused(url, where, "it is an EC2 instance or load balancer name, not an AWS service endpoint.");
  }
}

function refused(url: string, where: string, reason: string, cause?: unknown): FederationError {
  let origin = "the given URL";
  try {
    origin = new URL(url).origin;
  } catch {}
  // The core's wording is about tokens; keep only its reason.
  const prefix = `Refused to send a token to ${origin}: `;
  const why = reason.startsWith(prefix) ? reason.slice(prefix.length) : reason;
  return new FederationError(
    "endpoint_refused",
    `${where}: refused to sign a request for ${origin}: ${why}`,
    {
      provider: "aws",
      hint:
        `Signed requests carry the session token, so they go only to official AWS hosts over https ` +
        `(*.amazonaws.com, *.amazonaws.com.cn, *.api.aws). To send them to ${origin} (an emulator, a proxy), ` +
        `opt in with allowedOrigins: ["${origin}"].`,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
