/**
 * Names of the Google resources fedkit talks about: workload identity providers, service accounts, and the
 * principal identifiers IAM bindings use for federated identities.
 *
 * @packageDocumentation
 */
import { FederationError } from "@fedkit/core";

/** Google's default universe: every official endpoint is `<service>.googleapis.com`. @public */
export const DEFAULT_UNIVERSE = "googleapis.com";

/** The OAuth scope that covers every Google Cloud API; IAM Credentials needs it (or `iam`). @public */
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";

/** A parsed workload (or workforce) identity pool provider name. @public */
export interface WorkloadIdentityProviderName {
  /** The full resource name STS expects as `audience`: `//iam.googleapis.com/projects/…/providers/<id>`. */
  readonly resource: string;
  /** Project number (digits), absent for workforce pools (they live in an organization). */
  readonly projectNumber?: string;
  readonly poolId: string;
  readonly providerId: string;
  readonly workforce: boolean;
  /** The IAM host of the name, `iam.googleapis.com` in Google's default universe. */
  readonly iamHost: string;
}

const WORKLOAD =
  /^\/\/(iam\.[a-z0-9.-]+)\/projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([^/]+)\/providers\/([^/]+)$/;
const WORKFORCE = /^\/\/(iam\.[a-z0-9.-]+)\/locations\/global\/workforcePools\/([^/]+)\/providers\/([^/]+)$/;

/**
 * Builds the full resource name of a workload identity pool provider, the value STS wants as `audience`.
 *
 * @example
 * ```ts
 * workloadIdentityProvider({ projectNumber: "123456", poolId: "netlify", providerId: "site" });
 * // "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/netlify/providers/site"
 * ```
 * @public
 */
export function workloadIdentityProvider(parts: {
  projectNumber: string;
  poolId: string;
  providerId: string;
  universeDomain?: string;
}): string {
  const name = `//iam.${parts.universeDomain ?? DEFAULT_UNIVERSE}/projects/${parts.projectNumber}/locations/global/workloadIdentityPools/${parts.poolId}/providers/${parts.providerId}`;
  parseProviderName(name);
  return name;
}

/**
 * Parses a workload or workforce identity pool provider resource name. Also accepts the `https:`-prefixed form
 * that providers allow as a token audience.
 *
 * @throws FederationError `config` naming what is wrong and the expected shape.
 * @public
 */
export function parseProviderName(name: string): WorkloadIdentityProviderName {
  const resource = name.startsWith("https://") ? name.slice("https:".length) : name;
  const workload = WORKLOAD.exec(resource);
  if (workload) {
    const [, iamHost, projectNumber, poolId, providerId] = workload as unknown as string[];
    return {
      resource,
      projectNumber,
      poolId: poolId!,
      providerId: providerId!,
      workforce: false,
      iamHost: iamHost!,
    };
  }
  const workforce = WORKFORCE.exec(resource);
  if (workforce) {
    const [, iamHost, poolId, providerId] = workforce as unknown as string[];
    return { resource, poolId: poolId!, providerId: providerId!, workforce: true, iamHost: iamHost! };
  }
  throw new FederationError(
    "config",
    `"${name}" is not a workload identity provider name. Expected //iam.googleapis.com/projects/<project NUMBER>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`,
    {
      provider: "gcp",
      hint: "Use the project number (digits, `gcloud projects describe <id> --format='value(projectNumber)'`), not the project id, and the pool and provider ids in lower case.",
    },
  );
}

const SA_EMAIL =
  /^[a-z0-9][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$|^[^\s@/:]+@[^\s@/:]+$/;

/**
 * Checks a service account email (`name@project.iam.gserviceaccount.com`) and returns it.
 * @throws FederationError `config`
 * @internal
 */
export function checkServiceAccount(email: string): string {
  if (!SA_EMAIL.test(email)) {
    throw new FederationError("config", `"${email}" is not a service account email`, {
      provider: "gcp",
      hint: "Pass the service account's email, e.g. reader@my-project.iam.gserviceaccount.com.",
    });
  }
  return email;
}

/**
 * The principal identifier IAM uses for one federated subject of a pool (what `roles/iam.workloadIdentityUser`
 * is granted to).
 *
 * @example
 * ```ts
 * principalForSubject(provider, "site:abc:production:read"); // "principal://iam.googleapis.com/projects/…/subject/site:abc:production:read"
 * ```
 * @public
 */
export function principalForSubject(provider: WorkloadIdentityProviderName, subject: string): string {
  return `principal://${provider.iamHost}${poolPath(provider)}/subject/${subject}`;
}

/**
 * The principal-set identifier for every federated identity of a pool whose mapped attribute has a value.
 *
 * Careful: a principal set matches whatever ANY provider of the pool maps into that attribute. fedkit's own
 * trust never binds one; bind a principal set only over an attribute that no other deploy context's (or site's)
 * token can carry, e.g. in a pool of its own.
 *
 * @example
 * ```ts
 * principalSetForAttribute(parseProviderName(name), "function", "report"); // "principalSet://iam.googleapis.com/projects/…/attribute.function/report"
 * ```
 * @public
 */
export function principalSetForAttribute(
  provider: WorkloadIdentityProviderName,
  attribute: string,
  value: string,
): string {
  return `principalSet://${provider.iamHost}${poolPath(provider)}/attribute.${attribute}/${value}`;
}

function poolPath(provider: WorkloadIdentityProviderName): string {
  return provider.workforce
    ? `/locations/global/workforcePools/${provider.poolId}`
    : `/projects/${provider.projectNumber}/locations/global/workloadIdentityPools/${provider.poolId}`;
}
