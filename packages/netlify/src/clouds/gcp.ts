import { FederationError } from "@fedkit/core";
import {
  type GcpProvider,
  type GcpTrustConfig,
  gcpFetch,
  gcpProvider,
  gcpTrustConfig,
  parseProviderName,
} from "@fedkit/gcp";
import type { TargetConfig } from "../config.js";
import type { CloudPlugin, TrustInput } from "./types.js";

/**
 * A Google Cloud target: a workload identity pool provider trusting the site issuer, and optionally a service
 * account to impersonate. Name the provider by `workloadIdentityProvider` or by its three parts.
 * @public
 */
export interface GcpTargetConfig extends TargetConfig {
  readonly cloud: "gcp";
  /** Full resource name `//iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<id>`. */
  readonly workloadIdentityProvider?: string;
  /** Project number (digits) of the pool; with `poolId` and `providerId` instead of the full name. */
  readonly projectNumber?: string;
  readonly poolId?: string;
  readonly providerId?: string;
  /** Project id, for the `gcloud --project` flag of {@link trustPolicyFor}; the runtime does not need it. */
  readonly projectId?: string;
  /** Service account to impersonate (second round trip); the credential lifetime then follows the mapping. */
  readonly serviceAccount?: string;
  /** OAuth scopes of the final token. Default cloud-platform. */
  readonly scopes?: readonly string[];
  /** Local emulator or private endpoints; both need `allowCustomEndpoint`. */
  readonly stsEndpoint?: string;
  readonly iamCredentialsEndpoint?: string;
  readonly allowCustomEndpoint?: boolean;
  /** Exact origins outside `*.googleapis.com` that may receive the bearer (the emulator's GCS). */
  readonly allowedOrigins?: readonly string[];
  /** Extra allowed audiences on the provider (at most 10 with the token audience). */
  readonly allowedAudiences?: readonly string[];
  /** Upload the issuer's JWKS instead of letting Google fetch it (`--jwk-json-path`). */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
}

/** The handler's client for a GCP target: `fetch` with the bearer, only for Google's hosts (or opted-in ones). @public */
export type GcpFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

function providerName(target: GcpTargetConfig): string {
  if (target.workloadIdentityProvider !== undefined)
    return parseProviderName(target.workloadIdentityProvider).resource;
  const { projectNumber, poolId, providerId } = target;
  if (projectNumber === undefined || poolId === undefined || providerId === undefined) {
    throw new FederationError("config", "fedkit: a gcp target needs its workload identity provider.", {
      provider: "netlify",
      hint: "Set workloadIdentityProvider (the full resource name), or projectNumber, poolId and providerId.",
    });
  }
  return parseProviderName(
    `//iam.googleapis.com/projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}/providers/${providerId}`,
  ).resource;
}

function trustError(message: string, hint: string): FederationError {
  return new FederationError("config", message, { provider: "netlify", hint });
}

/**
 * The Google side of the trust for a target, from `gcpTrustConfig`: the provider for the context's issuer
 * (attribute mapping, and a condition pinning site, context and the mapped functions) and the
 * `roles/iam.workloadIdentityUser` binding on the service account, as `gcloud` commands and as JSON.
 *
 * @example
 * ```ts
 * const trust = trustPolicyFor(config, "reports") as GcpTrustConfig;
 * console.log(trust.gcloud.join("\n"));
 * // ... --attribute-condition='assertion.site_id == "5b0c..." && assertion.context == "production" && assertion.function == "report"'
 * ```
 * @public
 */
export function gcpTrustPolicy(input: TrustInput<GcpTargetConfig>): GcpTrustConfig {
  const { target, targetName } = input;
  if (target.projectId === undefined) {
    throw trustError(
      `fedkit: gcp target "${targetName}" has no projectId, which the gcloud commands need.`,
      "Add projectId (the project's id, not its number) to the target.",
    );
  }
  if (input.subjectPatterns.length > 0 || (target.subject ?? "function") !== "function") {
    // The binding's member is the exact subject of a single function; user and site-form subjects differ.
    throw trustError(
      `fedkit: gcp target "${targetName}" has per-user grants or the "site" subject form, which fedkit's GCP trust does not generate.`,
      "Map GCP targets to functions with the default subject form; a GCP provider takes any number of subjects.",
    );
  }
  if (input.functions.length === 0) {
    throw trustError(
      `fedkit: no function is mapped to gcp target "${targetName}", so there is nothing to trust.`,
      `Map a function to it under \`functions\`, e.g. functions: { report: { ${targetName}: {} } }.`,
    );
  }
  const provider = parseProviderName(providerName(target));
  const defaults = [provider.resource, `https:${provider.resource}`];
  const allowedAudiences = [
    ...(defaults.includes(input.audience) ? [] : [input.audience]),
    ...(target.allowedAudiences ?? []),
  ];
  return gcpTrustConfig({
    projectId: target.projectId,
    projectNumber: provider.projectNumber ?? "",
    poolId: provider.poolId,
    providerId: provider.providerId,
    issuerUri: input.issuer,
    ...(allowedAudiences.length > 0 ? { allowedAudiences } : {}),
    ...(target.jwks === undefined ? {} : { jwks: target.jwks }),
    pin: { site: input.siteId, context: input.context, function: input.functions },
    ...(target.serviceAccount === undefined ? {} : { serviceAccount: target.serviceAccount }),
  });
}

/**
 * The GCP plugin (`@fedkit/netlify/gcp`; name it as `clouds: { gcp: gcpCloud }`): `gcpProvider` (STS, then
 * impersonation when `serviceAccount` is set) for the exchange, `gcpFetch` as the handler's client,
 * `gcpTrustPolicy` for {@link trustPolicyFor}.
 * @public
 */
export const gcpCloud: CloudPlugin<GcpTargetConfig, GcpFetch> = {
  cloud: "gcp",
  audience: (target) => target.audience ?? `https:${providerName(target)}`,
  provider({ target, durationSeconds }) {
    return gcpProvider({
      audience: providerName(target),
      subjectAudience: target.audience ?? `https:${providerName(target)}`,
      ...(target.serviceAccount === undefined ? {} : { serviceAccount: target.serviceAccount }),
      // Google fixes the federated token's lifetime; only an impersonated token's lifetime can be capped.
      ...(target.serviceAccount !== undefined && durationSeconds !== undefined
        ? { lifetimeSeconds: durationSeconds }
        : {}),
      ...(target.scopes === undefined ? {} : { scopes: target.scopes }),
      ...(target.stsEndpoint === undefined ? {} : { stsEndpoint: target.stsEndpoint }),
      ...(target.iamCredentialsEndpoint === undefined
        ? {}
        : { iamCredentialsEndpoint: target.iamCredentialsEndpoint }),
      ...(target.allowCustomEndpoint === undefined
        ? {}
        : { allowCustomEndpoint: target.allowCustomEndpoint }),
    });
  },
  client(credentials, provider, { target, fetch }) {
    return gcpFetch(credentials, provider as GcpProvider, {
      ...(target.allowedOrigins === undefined ? {} : { allowedOrigins: target.allowedOrigins }),
      ...(fetch === undefined ? {} : { fetch }),
    });
  },
  trustPolicy: gcpTrustPolicy,
};
