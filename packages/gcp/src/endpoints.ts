/**
 * Resolves and checks the Google endpoints a provider may send tokens to.
 *
 * @packageDocumentation
 */
import { checkEndpoint, type EndpointRule, FederationError, GCP_HOSTS } from "@fedkit/core";
import type { GcpProviderOptions } from "./options.js";
import {
  checkServiceAccount,
  DEFAULT_UNIVERSE,
  parseProviderName,
  type WorkloadIdentityProviderName,
  workloadIdentityProvider,
} from "./resource.js";

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

function rule(officialHosts: readonly string[], url: URL, custom: boolean): EndpointRule {
  return { cloud: "gcp", officialHosts, ...(custom ? { allowedOrigins: [url.origin] } : {}) };
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
  const merged = options;
  const universeDomain = merged.universeDomain ?? DEFAULT_UNIVERSE;
  const custom = merged.allowCustomEndpoint === true;
  if (universeDomain !== DEFAULT_UNIVERSE && !custom) {
    throw new FederationError(
      "endpoint_refused",
      `Universe domain "${universeDomain}" is not Google's default`,
      {
        provider: "gcp",
        hint: "A credential configuration can come from outside: set allowCustomEndpoint: true only if you trust this universe domain.",
      },
    );
  }
  const audience =
    merged.audience ??
    (merged.projectNumber && merged.poolId && merged.providerId
      ? workloadIdentityProvider({
          projectNumber: merged.projectNumber,
          poolId: merged.poolId,
          providerId: merged.providerId,
          universeDomain,
        })
      : undefined);
  if (audience === undefined) {
    throw new FederationError("config", "gcpProvider needs the workload identity provider", {
      provider: "gcp",
      hint: "Pass audience (the provider's full resource name), or projectNumber + poolId + providerId, or ...fromExternalAccount(json).",
    });
  }
  const provider = parseProviderName(audience);
  const stsUrl = new URL(merged.stsEndpoint ?? `https://sts.${universeDomain}/v1/token`);
  if (stsUrl.pathname === "/") stsUrl.pathname = "/v1/token";
  const stsRule = rule([...GCP_HOSTS.sts, `sts.${universeDomain}`], stsUrl, custom);
  checkEndpoint(stsUrl, stsRule);
  const iamUrl = new URL(merged.iamCredentialsEndpoint ?? `https://iamcredentials.${universeDomain}`);
  const iamRule = rule([...GCP_HOSTS.iamcredentials, `iamcredentials.${universeDomain}`], iamUrl, custom);
  checkEndpoint(iamUrl, iamRule);
  const lifetime = merged.lifetimeSeconds;
  if (lifetime !== undefined && (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 43_200)) {
    throw new FederationError("config", `lifetimeSeconds must be an integer in 1..43200, got ${lifetime}`, {
      provider: "gcp",
      hint: "Use at most 3600 unless the organization policy allowServiceAccountCredentialLifetimeExtension lists the service account.",
    });
  }
  return {
    provider,
    subjectAudience: merged.subjectAudience ?? `https:${provider.resource}`,
    subjectTokenType: merged.subjectTokenType ?? "jwt",
    stsUrl: stsUrl.href,
    stsRule,
    iamCredentialsOrigin: iamUrl.origin,
    iamRule,
    serviceAccount:
      merged.serviceAccount === undefined ? undefined : checkServiceAccount(merged.serviceAccount),
    delegates: (merged.delegates ?? []).map(checkServiceAccount),
    workforcePoolUserProject: merged.workforcePoolUserProject,
    universeDomain,
    configLifetime: lifetime !== undefined,
    lifetimeSeconds: lifetime ?? 3600,
  };
}
