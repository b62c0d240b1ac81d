/**
 * Resolves and checks the Google endpoints a provider may send tokens to.
 *
 * @packageDocumentation
 */
import { checkEndpoint, type EndpointRule, hostMatches } from "@fedkit/core/provider";
import { gcpError } from "./error.js";
import type { GcpProviderOptions } from "./options.js";
import {
  checkServiceAccount,
  DEFAULT_UNIVERSE,
  parseProviderName,
  type WorkloadIdentityProviderName,
  workloadIdentityProvider,
} from "./resource.js";

/** A Google service's official hosts in a universe: its own name and its mTLS name. The one host rule. */
function serviceHosts(service: string, universe: string): readonly string[] {
  return Object.freeze([`${service}.${universe}`, `${service}.mtls.${universe}`]);
}

/**
 * Official Google hosts (STS, IAM Credentials, APIs) in the default universe: where a subject token or an access
 * token may go without an opt-in (data for core's `checkEndpoint`). Frozen: no code in the isolate can widen
 * where tokens go.
 *
 * @example
 * ```ts
 * checkEndpoint("https://sts.googleapis.com/v1/token", { cloud: "gcp", officialHosts: GCP_HOSTS.sts });
 * ```
 * @public
 */
export const GCP_HOSTS: {
  readonly sts: readonly string[];
  readonly iamcredentials: readonly string[];
  readonly apis: readonly string[];
} = /* @__PURE__ */ Object.freeze({
  // Written out (what serviceHosts gives for the default universe): a bundle drops literals it does not use.
  sts: /* @__PURE__ */ Object.freeze(["sts.googleapis.com", "sts.mtls.googleapis.com"]),
  iamcredentials: /* @__PURE__ */ Object.freeze([
    "iamcredentials.googleapis.com",
    "iamcredentials.mtls.googleapis.com",
  ]),
  apis: /* @__PURE__ */ Object.freeze(["*.googleapis.com"]),
});

/** The settled configuration of a GCP provider: every default applied, every URL checked. @internal */
export interface ResolvedGcp {
  readonly provider: WorkloadIdentityProviderName;
  readonly subjectAudience: string;
  readonly subjectTokenType: "jwt" | "id_token";
  readonly stsUrl: string;
  readonly stsRule: EndpointRule;
  readonly iamCredentialsOrigin: string;
  readonly iamRule: EndpointRule;
  readonly serviceAccount: string | undefined;
  readonly delegates: readonly string[];
  readonly workforcePoolUserProject: string | undefined;
  readonly universeDomain: string;
  readonly configLifetime: boolean;
  /** Lifetime of impersonated tokens in seconds (default 3600). */
  readonly lifetimeSeconds: number;
}

/**
 * Applies defaults and checks every endpoint against Google's
 * official hosts (or the explicit opt-in).
 * @throws FederationError `config` or `endpoint_refused`
 * @internal
 */
export function resolveGcp(options: GcpProviderOptions): ResolvedGcp {
  if (options === null || typeof options !== "object") {
    throw new TypeError("gcpProvider(options): options must be an object");
  }
  const { projectNumber, poolId, providerId, lifetimeSeconds: lifetime } = options;
  const universeDomain = options.universeDomain ?? DEFAULT_UNIVERSE;
  const custom = options.allowCustomEndpoint === true;
  if (universeDomain !== DEFAULT_UNIVERSE && !custom) {
    throw gcpError(
      "endpoint_refused",
      `Universe domain "${universeDomain}" is not Google's default`,
      "Set allowCustomEndpoint: true only for a universe domain you trust.",
    );
  }
  const audience =
    options.audience ??
    (projectNumber && poolId && providerId
      ? workloadIdentityProvider({ projectNumber, poolId, providerId, universeDomain })
      : undefined);
  if (audience === undefined) {
    throw gcpError(
      "config",
      "gcpProvider needs the workload identity provider",
      "Pass audience, projectNumber + poolId + providerId, or fromExternalAccount(json).",
    );
  }
  if (lifetime !== undefined && !(Number.isInteger(lifetime) && lifetime > 0 && lifetime <= 43_200)) {
    throw gcpError(
      "config",
      `lifetimeSeconds must be an integer in 1..43200, got ${lifetime}`,
      "Above 3600 s the org policy must allow the service account.",
    );
  }
  const provider = parseProviderName(audience);
  // A custom endpoint is allowed by its exact origin only, and only with the opt-in.
  const endpoint = (service: string, url: URL): EndpointRule => {
    const rule = {
      cloud: "gcp",
      officialHosts: serviceHosts(service, universeDomain),
      ...(custom && { allowedOrigins: [url.origin] }),
    };
    checkEndpoint(url, rule);
    return rule;
  };
  const stsUrl = new URL(options.stsEndpoint ?? `https://sts.${universeDomain}/v1/token`);
  if (stsUrl.pathname === "/") stsUrl.pathname = "/v1/token";
  const iamUrl = new URL(options.iamCredentialsEndpoint ?? `https://iamcredentials.${universeDomain}`);
  return {
    provider,
    subjectAudience: options.subjectAudience ?? `https:${provider.resource}`,
    subjectTokenType: options.subjectTokenType ?? "jwt",
    stsUrl: stsUrl.href,
    stsRule: endpoint("sts", stsUrl),
    iamCredentialsOrigin: iamUrl.origin,
    iamRule: endpoint("iamcredentials", iamUrl),
    serviceAccount:
      options.serviceAccount === undefined ? undefined : checkServiceAccount(options.serviceAccount),
    delegates: (options.delegates ?? []).map(checkServiceAccount),
    workforcePoolUserProject: options.workforcePoolUserProject,
    universeDomain,
    configLifetime: lifetime !== undefined,
    lifetimeSeconds: lifetime ?? 3600,
  };
}

/**
 * Where a Google bearer may go. This is the one statement of the rule; `gcpFetch`, the google-auth-library
 * adapter and both providers read it from here.
 *
 * - An **access token** (scope `cloud-platform` by default) opens every API its principal may call, so it goes
 *   only to Google-operated API hosts of the provider's universe: `*.googleapis.com` (regional, mTLS and Private
 *   Service Connect names included, which all reach Google's own front ends).
 * - Never to a customer's service, even on a Google domain: Cloud Run (`*.run.app`), Cloud Functions
 *   (`*.cloudfunctions.net`), App Engine (`*.appspot.com`), API Gateway (`*.gateway.dev`), Cloud Endpoints
 *   (`*.cloud.goog`), Firebase Hosting (`*.web.app`, `*.firebaseapp.com`). Their code would receive a token
 *   good for every API the service account can reach. Call them with an **ID token** (`gcpIdTokenProvider`).
 * - An ID token is minted for one audience, so it goes to exactly that audience's host and nowhere else, even
 *   when that host is a customer's service (that service is who the token is for).
 * - Anything else only through `allowedOrigins`, the caller's explicit opt-in.
 *
 * @example
 * ```ts
 * gcpBearerHosts({ universeDomain: "googleapis.com" }); // ["*.googleapis.com"]
 * gcpBearerHosts({ universeDomain: "googleapis.com", idTokenAudience: "https://api-abc-uc.a.run.app" }); // ["api-abc-uc.a.run.app"]
 * ```
 * @public
 */
export function gcpBearerHosts(target: {
  readonly universeDomain: string;
  readonly idTokenAudience?: string;
}): readonly string[] {
  if (target.idTokenAudience === undefined) return [`*.${target.universeDomain}`];
  const audience = URL.canParse(target.idTokenAudience) ? new URL(target.idTokenAudience) : undefined;
  return audience?.protocol === "https:" && audience.port === "" ? [audience.hostname] : [];
}

/**
 * Customer-run services under Google domains (see {@link gcpBearerHosts}): refused for every bearer but an ID
 * token whose audience is that exact host.
 *
 * @example
 * ```ts
 * GCP_CUSTOMER_HOSTS.some((pattern) => hostMatches("orders-abc-uc.a.run.app", pattern)); // true
 * ```
 * @public
 */
export const GCP_CUSTOMER_HOSTS: readonly string[] = /* @__PURE__ */ Object.freeze(
  "*.run.app *.cloudfunctions.net *.appspot.com *.gateway.dev *.cloud.goog *.web.app *.firebaseapp.com".split(
    " ",
  ),
);

/**
 * Why `url` may not receive a bearer allowed for `hosts`, or `undefined`: the refusal half of the rule.
 * @internal
 */
export function refuseCustomerHost(url: URL, hosts: readonly string[]): string | undefined {
  const host = url.hostname.replace(/\.$/, "");
  return !hosts.includes(host) && GCP_CUSTOMER_HOSTS.some((pattern) => hostMatches(host, pattern))
    ? "a customer's service; use an ID token for its audience (gcpIdTokenProvider)"
    : undefined;
}
