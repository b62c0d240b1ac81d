/**
 * `gcpProvider`: Workload Identity Federation through Google STS, with optional service-account impersonation.
 *
 * @packageDocumentation
 */
import type { AccessToken, Provider, SubjectToken } from "@fedkit/core";
import type { ExchangeContext, ExchangeResult } from "@fedkit/core/provider";
import { gcpBearerHosts, type ResolvedGcp, resolveGcp } from "./endpoints.js";
import { generateAccessToken } from "./iam-credentials.js";
import type { GcpProviderOptions } from "./options.js";
import { CLOUD_PLATFORM_SCOPE } from "./resource.js";
import { stsExchange } from "./sts.js";

/** A {@link Provider} of Google access tokens, with its settled configuration for inspection. @public */
export interface GcpProvider extends Provider<AccessToken> {
  /** The workload identity provider's full resource name (the STS audience). */
  readonly workloadIdentityProvider: string;
  /** The impersonated service account, if any. */
  readonly serviceAccount: string | undefined;
  /** Hosts a bearer from this provider may be sent to by {@link gcpFetch}. */
  readonly apiHosts: readonly string[];
  /** Origins outside Google's hosts the user opted into (`allowCustomEndpoint`). */
  readonly allowedOrigins: readonly string[];
}

/**
 * The cache key of a provider: its whole settled configuration (every permission-affecting input: provider,
 * audiences, service account, delegates, endpoints, lifetime) and what the kind adds. @internal
 */
export function providerKey(kind: string, resolved: ResolvedGcp, extra: readonly unknown[]): string {
  return JSON.stringify([kind, resolved, ...extra]);
}

/** @internal */
export function customOrigins(resolved: ResolvedGcp): string[] {
  return [...(resolved.stsRule.allowedOrigins ?? []), ...(resolved.iamRule.allowedOrigins ?? [])];
}

/**
 * Creates a provider that exchanges the subject token at Google STS for a federated access token (one round
 * trip) and, when `serviceAccount` is set, impersonates it with IAM Credentials `generateAccessToken` (two).
 *
 * @example
 * ```ts
 * import { createFederation, envToken } from "@fedkit/core";
 * import { gcpFetch, gcpProvider } from "@fedkit/gcp";
 *
 * const gcp = gcpProvider({
 *   projectNumber: "123456789012",
 *   poolId: "netlify",
 *   providerId: "my-site",
 *   serviceAccount: "reader@my-project.iam.gserviceaccount.com",
 * });
 * const federation = createFederation({ source: envToken("OIDC_TOKEN") });
 * const res = await gcpFetch(federation, gcp)("https://storage.googleapis.com/storage/v1/b/my-bucket/o/a.txt?alt=media");
 * ```
 * @throws FederationError `config` / `endpoint_refused` for a wrong provider name or an unofficial endpoint.
 * @public
 */
export function gcpProvider(options: GcpProviderOptions): GcpProvider {
  const resolved = resolveGcp(options);
  const scopes = [...(options.scopes ?? [CLOUD_PLATFORM_SCOPE])];
  if (scopes.length === 0) throw new TypeError("gcpProvider: scopes must not be empty");
  const { lifetimeSeconds } = resolved;
  const impersonate = resolved.serviceAccount !== undefined;
  return {
    cloud: "gcp",
    key: providerKey("access", resolved, [scopes, impersonate ? lifetimeSeconds : null]),
    audience: resolved.subjectAudience,
    target: {
      ...(impersonate ? { role: resolved.serviceAccount } : {}),
      audience: resolved.subjectAudience,
      client: resolved.provider.resource,
      scopes,
    },
    workloadIdentityProvider: resolved.provider.resource,
    serviceAccount: resolved.serviceAccount,
    apiHosts: gcpBearerHosts(resolved),
    allowedOrigins: customOrigins(resolved),
    async exchange(subject: SubjectToken, ctx: ExchangeContext): Promise<ExchangeResult<AccessToken>> {
      // generateAccessToken needs cloud-platform on the federated token; the caller's scopes go on the final one.
      const federated = await stsExchange(
        subject,
        resolved,
        impersonate ? [CLOUD_PLATFORM_SCOPE] : scopes,
        ctx,
      );
      return {
        credentials: impersonate
          ? await generateAccessToken(subject, resolved, federated.token, scopes, lifetimeSeconds, ctx)
          : federated,
      };
    },
  };
}
