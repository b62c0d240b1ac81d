import {
  type AzureTrustConfig,
  azureFederatedCredential,
  azureFetch,
  azureProvider,
  DEFAULT_AUTHORITY_HOST,
  exchangeAudienceFor,
  type FetchFn,
} from "@fedkit/azure";
import { type AccessToken, FederationError, type Provider } from "@fedkit/core";
import type { TargetConfig } from "../config.js";
import { definedOf } from "./defined.js";
import type { CloudPlugin, TrustInput } from "./types.js";

/** An app registration an Azure target is exchanged for, and the resource its token is for. @public */
export interface AzureTargetConfig extends TargetConfig {
  readonly cloud: "azure";
  /** The app registration's Application (client) ID; it holds the federated identity credential. */
  readonly clientId: string;
  /** The Directory (tenant) ID of the app registration. */
  readonly tenantId: string;
  /** The one `<resource>/.default` scope. Default `https://storage.azure.com/.default` (Blob, Queue, Table...). */
  readonly scope?: string;
  /**
   * Entra's authority host (`https://login.microsoftonline.us` for US Government); also picks the default
   * audience of that cloud. Default `AZURE_AUTHORITY_HOST`, else `https://login.microsoftonline.com`.
   */
  readonly authorityHost?: string;
  /** Lets `authorityHost` be outside Microsoft's hosts (the local emulator). The site's token is sent there. */
  readonly allowCustomAuthority?: boolean;
  /** Exact origins outside Microsoft's resource hosts that may receive the access token (Azurite locally). */
  readonly allowedOrigins?: readonly string[];
}

/**
 * What the Azure form of {@link trustPolicyFor} returns: one federated identity credential per trusted subject
 * (one with the default `site` subject form), each as JSON and as the `az ad app federated-credential create`
 * command that creates it on the target's app registration.
 * @public
 */
export type AzureTrustPolicy = readonly AzureTrustConfig[];

/** Entra's limit of federated identity credentials per app registration. */
const MAX_CREDENTIALS = 20;
const DEFAULT_SCOPE = "https://storage.azure.com/.default";

function trustError(message: string, hint: string, cause?: unknown): FederationError {
  return new FederationError("config", `fedkit: azure target ${message}`, {
    provider: "netlify",
    hint,
    cause,
  });
}

/**
 * The Entra side of the trust for a target: a federated identity credential (issuer = the context's site
 * issuer, the exact subject, one audience) per trusted subject, on the target's app registration. Entra matches
 * subjects exactly and allows 20 credentials per app, so per-user grants (subject patterns) cannot be trusted
 * and the `site` subject form is the default for Azure.
 *
 * @example
 * ```ts
 * const [production] = azureTrustPolicy({ target, issuer: "https://reports.example.com/oidc/production", ... });
 * console.log(production.command); // az ad app federated-credential create --id '97e0a5b7-...' --parameters '{...}'
 * ```
 * @public
 */
export function azureTrustPolicy(input: TrustInput<AzureTargetConfig>): AzureTrustPolicy {
  const { target, targetName, issuer, audience, subjects, context } = input;
  if (input.subjectPatterns.length > 0) {
    throw trustError(
      `"${targetName}" has per-user grants, which Entra cannot trust: a federated credential matches one exact subject.`,
      'Map it with identity "function" (the default); per-user federation needs an AWS or GCP target.',
    );
  }
  if (subjects.length === 0) {
    throw trustError(
      `"${targetName}": no function is mapped to it, so Entra has nothing to trust.`,
      `Map one under \`functions\`, e.g. functions: { blob: { ${targetName}: {} } }.`,
    );
  }
  if (subjects.length > MAX_CREDENTIALS) {
    throw trustError(
      `"${targetName}" needs ${subjects.length} federated credentials; an Entra app takes at most ${MAX_CREDENTIALS}.`,
      'Use the site subject form (subject: "site", the Azure default): one credential per deploy context.',
    );
  }
  try {
    return subjects.map((subject) =>
      azureFederatedCredential({
        issuer,
        subject,
        audience,
        appId: target.clientId,
        description: `fedkit: Netlify site ${input.siteId}, ${context} deploys`,
      }),
    );
  } catch (cause) {
    throw trustError(
      `"${targetName}": cannot build its federated credential: ${(cause as Error).message}.`,
      "Entra trusts https issuers only: set `siteUrl` (or FEDKIT_SITE_URL) to the site's https origin.",
      cause,
    );
  }
}

function exchangeAudience(target: AzureTargetConfig): string {
  return target.audience ?? exchangeAudienceFor(target.authorityHost ?? DEFAULT_AUTHORITY_HOST);
}

/**
 * The Azure plugin (`@fedkit/netlify/azure`; name it as `clouds: { azure: azureCloud }`): `azureProvider`
 * (client credentials with the site's token as the federated client assertion) for the exchange, and `azureFetch` (bearer token, only to the hosts of the token's resource) as the handler's client.
 * Targets default to the `site` subject form, since an app registration takes at most 20 credentials.
 *
 * @example
 * ```ts
 * // netlify/fedkit.config.js
 * import { azureCloud } from "@fedkit/netlify/azure";
 * clouds: { azure: azureCloud },
 * targets: { blobs: { cloud: "azure", clientId: "97e0a5b7-...", tenantId: "72f988bf-..." } },
 * // netlify/edge-functions/blob.ts
 * const blob = await fedkit.client<AzureFetch>("blobs")("https://acct.blob.core.windows.net/private/a.txt");
 * ```
 * @public
 */
export const azureCloud: CloudPlugin<AzureTargetConfig, FetchFn> = {
  cloud: "azure",
  defaultSubject: "site",
  audience: (target) => exchangeAudience(target),
  trustHolder: "app registration",
  provider({ target, env }) {
    return azureProvider({
      clientId: target.clientId,
      tenantId: target.tenantId,
      scope: target.scope ?? DEFAULT_SCOPE,
      audience: exchangeAudience(target),
      // Only the authority host may come from the environment; the app and tenant are part of the trust config.
      env: () => ({ AZURE_AUTHORITY_HOST: env("AZURE_AUTHORITY_HOST") }),
      ...definedOf(target, ["authorityHost", "allowCustomAuthority"]),
    });
  },
  client(credentials, provider, { target, fetch }) {
    return azureFetch(credentials, provider as Provider<AccessToken>, {
      ...definedOf(target, ["allowedOrigins"]),
      ...(fetch && { fetch: fetch as unknown as FetchFn }),
    });
  },
  trustPolicy: azureTrustPolicy,
};
