import type { FederationError } from "@fedkit/core";
import {
  checkGcpId,
  type GcpProvider,
  gcpFetch,
  gcpPoolId,
  gcpProvider,
  parseProviderName,
  type WorkloadIdentityProviderName,
  workloadIdentityProvider,
} from "@fedkit/gcp";
import { netlifyError, type TargetConfig } from "../config.js";
import { definedOf } from "./defined.js";
import type { CloudPlugin, DeployScope } from "./types.js";

/** A value per deploy context (`{ production: "…", "deploy-preview": "…" }`). @public */
export type PerContext = Readonly<Record<string, string>>;

/**
 * A Google Cloud target: a workload identity pool provider trusting the site issuer of the running deploy
 * context, and optionally a service account to impersonate.
 *
 * Google scopes a federated principal to the workload identity POOL, so each deploy context gets a pool of its
 * own: by default `gcpPoolId(siteId, context)` in `projectNumber`, with provider `providerId` (default: the
 * target name). Override the ids per context with records; a layout where two contexts share a pool (a single
 * `poolId` or `workloadIdentityProvider` string, or a record with a repeated pool) is refused unless
 * `allowSharedPool` is set, and is then only as strong as the weakest provider in that pool.
 * @public
 */
export interface GcpTargetConfig extends TargetConfig {
  readonly cloud: "gcp";
  /** Project number (digits) of the pools. */
  readonly projectNumber?: string;
  /** Pool id per deploy context. Default: `gcpPoolId(siteId, context)`. A single string is one pool for all. */
  readonly poolId?: string | PerContext;
  /** Provider id (per deploy context, or one for all). Default: the target name. */
  readonly providerId?: string | PerContext;
  /** Full provider resource names per deploy context, instead of the ids. A single string is one for all. */
  readonly workloadIdentityProvider?: string | PerContext;
  /**
   * Accept a layout where deploy contexts (or other sites, or other tools) share a pool. The pool is then only
   * as strong as the weakest provider in it: fedkit cannot see providers it did not generate. Default false.
   */
  readonly allowSharedPool?: boolean;
  /** Project id, for the `gcloud --project` flag of the generated trust; the runtime does not need it. */
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

/** A `config` error about a GCP target. @internal */
export function trustError(message: string, hint: string): FederationError {
  return netlifyError(`gcp target ${message}`, hint);
}

function forContext(value: string | PerContext | undefined, context: string): string | undefined {
  return typeof value === "object" ? (Object.hasOwn(value, context) ? value[context] : undefined) : value;
}

/** The provider of one deploy context, before any layout check. */
function contextProvider(
  target: GcpTargetConfig,
  targetName: string,
  { siteId, context }: DeployScope,
): WorkloadIdentityProviderName {
  const full = forContext(target.workloadIdentityProvider, context);
  if (full !== undefined) return parseProviderName(full);
  if (target.projectNumber === undefined) {
    throw trustError(
      `"${targetName}" needs projectNumber (or workloadIdentityProvider) for deploy context "${context}".`,
      "Set projectNumber: gcloud projects describe <id> --format='value(projectNumber)'.",
    );
  }
  const pool = checkGcpId("pool", forContext(target.poolId, context) ?? gcpPoolId(siteId, context));
  const provider = checkGcpId("provider", forContext(target.providerId, context) ?? targetName);
  return parseProviderName(
    workloadIdentityProvider({ projectNumber: target.projectNumber, poolId: pool, providerId: provider }),
  );
}

/**
 * The provider of the running deploy context, after the layout rule: a provider trusts exactly one context's
 * issuer, and a pool shared with another context needs `allowSharedPool`. A target with its own `source` (not the
 * site issuer) is outside fedkit's context layout and only resolved.
 * @internal
 */
export function resolveProvider(
  target: GcpTargetConfig,
  targetName: string,
  scope: DeployScope,
): WorkloadIdentityProviderName {
  const mine = contextProvider(target, targetName, scope);
  if (target.source !== undefined) return mine;
  const records = [target.poolId, target.providerId, target.workloadIdentityProvider].filter(
    (v): v is PerContext => typeof v === "object",
  );
  const others = new Set(["production", ...records.flatMap((r) => Object.keys(r))]);
  others.delete(scope.context);
  let shared = typeof target.poolId === "string" || typeof target.workloadIdentityProvider === "string";
  for (const context of others) {
    let theirs: WorkloadIdentityProviderName;
    try {
      theirs = contextProvider(target, targetName, { ...scope, context });
    } catch {
      continue; // that context has no complete provider in the config: nothing to share
    }
    if (theirs.resource === mine.resource) {
      throw trustError(
        `"${targetName}" uses one provider (${mine.resource}) for deploy contexts "${scope.context}" and "${context}".`,
        "Give each context its own pool (leave poolId unset) or set providerId per context.",
      );
    }
    shared ||= theirs.projectNumber === mine.projectNumber && theirs.poolId === mine.poolId;
  }
  if (shared && target.allowSharedPool !== true) {
    throw trustError(
      `"${targetName}" puts deploy context "${scope.context}" in pool "${mine.poolId}", which other deploy contexts share.`,
      `Leave poolId unset (this context's pool: ${gcpPoolId(scope.siteId, scope.context)}) or set allowSharedPool: true.`,
    );
  }
  return mine;
}

/**
 * The GCP plugin (`@fedkit/netlify/gcp`; name it as `clouds: { gcp: gcpCloud }`): `gcpProvider` (STS, then
 * impersonation when `serviceAccount` is set) for the exchange, `gcpFetch` as the handler's client. Its trust comes
 * from `gcpTrustPolicy` in `@fedkit/netlify/trust`, which no edge function imports.
 * @public
 */
export const gcpCloud: CloudPlugin<GcpTargetConfig, GcpFetch> = {
  cloud: "gcp",
  trustHolder: "service account",
  audience: (target, scope) =>
    target.audience ?? `https:${resolveProvider(target, scope.targetName, scope).resource}`,
  // Each deploy context has its own pool and provider, so without a service account the trust in use is always
  // the running context's; a service account belongs to the context it was made for (trustContext, production).
  trustContext: (target, scope) =>
    target.serviceAccount === undefined ? scope.context : (target.trustContext ?? "production"),
  provider({ target, targetName, durationSeconds, siteId, context }) {
    const resource = resolveProvider(target, targetName, { siteId, context }).resource;
    const impersonate = target.serviceAccount !== undefined;
    return gcpProvider({
      audience: resource,
      subjectAudience: target.audience ?? `https:${resource}`,
      ...definedOf(target, [
        "serviceAccount",
        "scopes",
        "stsEndpoint",
        "iamCredentialsEndpoint",
        "allowCustomEndpoint",
      ]),
      // Google fixes the federated token's lifetime; only an impersonated token's lifetime can be capped.
      ...(impersonate && durationSeconds !== undefined ? { lifetimeSeconds: durationSeconds } : {}),
    });
  },
  client(credentials, provider, { target, fetch }) {
    return gcpFetch(credentials, provider as GcpProvider, {
      ...definedOf(target, ["allowedOrigins"]),
      ...(fetch && { fetch }),
    });
  },
};
