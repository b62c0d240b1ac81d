/**
 * `gcpIdTokenProvider`: a Google-signed ID token of a service account, for Cloud Run and IAP.
 *
 * @packageDocumentation
 */
import { type AccessToken, FederationError, type SubjectToken } from "@fedkit/core";
import { decodeSubjectToken, type ExchangeContext, type ExchangeResult } from "@fedkit/core/provider";
import { gcpBearerHosts, resolveGcp } from "./endpoints.js";
import { impersonate } from "./iam-credentials.js";
import type { GcpIdTokenProviderOptions } from "./options.js";
import { customOrigins, type GcpProvider, providerKey } from "./provider.js";
import { CLOUD_PLATFORM_SCOPE } from "./resource.js";
import { stsExchange } from "./sts.js";

/** `exp` of a JWT, unverified: Google signed it and we only need to know when to refresh. */
function expiryOf(jwt: string): number | undefined {
  try {
    const { exp } = decodeSubjectToken(jwt).claims;
    return typeof exp === "number" ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates a provider of ID tokens for a service account: STS exchange, then IAM Credentials
 * `generateIdToken` with `targetAudience`. The result's `token` goes in `Authorization: Bearer` to the Cloud Run
 * service or IAP-protected app named by the audience.
 *
 * @example
 * ```ts
 * const run = gcpIdTokenProvider({
 *   audience: "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/netlify/providers/site",
 *   serviceAccount: "invoker@my-project.iam.gserviceaccount.com",
 *   targetAudience: "https://api-abc123-uc.a.run.app",
 * });
 * const res = await gcpFetch(federation, run)("https://api-abc123-uc.a.run.app/orders");
 * ```
 * @public
 */
export function gcpIdTokenProvider(options: GcpIdTokenProviderOptions): GcpProvider {
  const resolved = resolveGcp(options);
  if (resolved.serviceAccount === undefined) {
    throw new FederationError("config", "gcpIdTokenProvider needs serviceAccount", {
      provider: "gcp",
      hint: "ID tokens are issued for a service account; pass serviceAccount.",
    });
  }
  if (typeof options.targetAudience !== "string" || options.targetAudience.length === 0) {
    throw new TypeError("gcpIdTokenProvider: targetAudience must be the Cloud Run URL or the IAP client id");
  }
  const includeEmail = options.includeEmail ?? true;
  return {
    cloud: "gcp",
    key: providerKey("id-token", resolved, [options.targetAudience, includeEmail]),
    audience: resolved.subjectAudience,
    target: {
      role: resolved.serviceAccount,
      audience: resolved.subjectAudience,
      client: resolved.provider.resource,
    },
    workloadIdentityProvider: resolved.provider.resource,
    serviceAccount: resolved.serviceAccount,
    apiHosts: gcpBearerHosts({ ...resolved, idTokenAudience: options.targetAudience }),
    allowedOrigins: customOrigins(resolved),
    async exchange(subject: SubjectToken, ctx: ExchangeContext): Promise<ExchangeResult<AccessToken>> {
      const federated = await stsExchange(subject, resolved, [CLOUD_PLATFORM_SCOPE], ctx);
      const answer = await impersonate(
        subject,
        resolved,
        federated.token,
        "generateIdToken",
        {
          audience: options.targetAudience,
          includeEmail,
        },
        ctx,
      );
      const token = answer("token");
      const expiresAt = expiryOf(token);
      if (expiresAt === undefined) {
        throw new FederationError(
          "bad_response",
          "IAM Credentials generateIdToken answered a token without exp",
          {
            provider: "gcp",
          },
        );
      }
      return { credentials: { kind: "access-token", token, tokenType: "Bearer", expiresAt } };
    },
  };
}
