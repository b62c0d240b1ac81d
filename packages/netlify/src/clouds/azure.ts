import {
  azureFetch,
  azureProvider,
  DEFAULT_AUTHORITY_HOST,
  exchangeAudienceFor,
  type FetchFn,
} from "@fedkit/azure";
import type { AccessToken, Provider } from "@fedkit/core";
import type { TargetConfig } from "../config.js";
import { definedOf } from "./defined.js";
import type { CloudPlugin } from "./types.js";

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

const DEFAULT_SCOPE = "https://storage.azure.com/.default";

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
};
