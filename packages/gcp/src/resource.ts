/**
 * Names of the Google resources fedkit talks about: workload identity providers, service accounts, and the
 * principal identifiers IAM bindings use for federated identities.
 *
 * @packageDocumentation
 */
import { gcpError } from "./error.js";

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

// One pattern for both kinds: the project number is there exactly when the pool is a workload identity pool.
const PROVIDER_NAME =
  /^\/\/(iam\.[a-z0-9.-]+)\/(?:projects\/(\d+)\/locations\/global\/workloadIdentityPools|locations\/global\/workforcePools)\/([^/]+)\/providers\/([^/]+)$/;

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
  const resource = name.startsWith("https://") ? name.slice(6) : name;
  const [, iamHost, projectNumber, poolId, providerId] = PROVIDER_NAME.exec(resource) ?? [];
  if (providerId === undefined) {
    throw gcpError(
      "config",
      `"${name}" is not a workload identity provider name`,
      "Use //iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<id>.",
    );
  }
  return {
    resource,
    ...(projectNumber && { projectNumber }),
    poolId: poolId!,
    providerId,
    workforce: !projectNumber,
    iamHost: iamHost!,
  };
}

// Any email without space, `/` or `:` (user-managed `name@project.iam.gserviceaccount.com`, Google-managed
// agents under other domains): it goes into a URL path unencoded, as Google's libraries send it.
const SA_EMAIL = /^[^\s@/:]+@[^\s@/:]+$/;

/**
 * Checks a service account email (`name@project.iam.gserviceaccount.com`) and returns it.
 * @throws FederationError `config`
 * @internal
 */
export function checkServiceAccount(email: string): string {
  if (!SA_EMAIL.test(email)) {
    throw gcpError(
      "config",
      `"${email}" is not a service account email`,
      "Pass an email like reader@my-project.iam.gserviceaccount.com.",
    );
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
  return `principal:${poolOf(provider)}/subject/${subject}`;
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
  return `principalSet:${poolOf(provider)}/attribute.${attribute}/${value}`;
}

/** The pool's own resource name (`//iam.googleapis.com/…/workloadIdentityPools/<pool>`): the provider's, cut. */
function poolOf(provider: WorkloadIdentityProviderName): string {
  return provider.resource.slice(0, provider.resource.lastIndexOf("/providers/"));
}
