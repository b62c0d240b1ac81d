// @ts-check
// The Azure plugin for @fedkit/netlify: the Entra provider for the exchange, an authorised fetch as the handler's
// client, and the federated identity credential(s) as the cloud-side trust. Plain JavaScript like the config, so
// Node (tooling, the demo) and Deno (the edge) import it alike.
import {
  azureFederatedCredential,
  azureFetch,
  azureProvider,
  DEFAULT_EXCHANGE_AUDIENCE,
} from "@fedkit/azure";

/**
 * @typedef {import("@fedkit/netlify").TargetConfig & {
 *   cloud: "azure"; clientId: string; tenantId: string; scope?: string;
 *   authorityHost?: string; allowCustomAuthority?: boolean; allowedOrigins?: string[];
 * }} AzureTargetConfig
 */

/** @type {import("@fedkit/netlify").CloudPlugin<AzureTargetConfig, import("@fedkit/azure").FetchFn>} */
export const azureCloud = {
  cloud: "azure",
  audience: (target) => target.audience ?? DEFAULT_EXCHANGE_AUDIENCE,
  provider({ target, env }) {
    return azureProvider({
      clientId: target.clientId,
      tenantId: target.tenantId,
      scope: target.scope ?? "https://storage.azure.com/.default",
      audience: target.audience ?? DEFAULT_EXCHANGE_AUDIENCE,
      env: () => ({ AZURE_AUTHORITY_HOST: env("AZURE_AUTHORITY_HOST") }),
      ...(target.authorityHost ? { authorityHost: target.authorityHost } : {}),
      ...(target.allowCustomAuthority ? { allowCustomAuthority: true } : {}),
    });
  },
  client(credentials, provider, { target, fetch }) {
    return azureFetch(credentials, /** @type {any} */ (provider), {
      ...(target.allowedOrigins ? { allowedOrigins: target.allowedOrigins } : {}),
      ...(fetch ? { fetch: /** @type {any} */ (fetch) } : {}),
    });
  },
  // Entra matches one exact subject per credential and an app takes at most 20: one credential per subject.
  trustPolicy({ target, issuer, audience, subjects, subjectPatterns, context }) {
    if (subjectPatterns.length > 0) {
      throw new TypeError(
        "Entra federated credentials match exact subjects only: per-user (pattern) grants cannot be trusted",
      );
    }
    return subjects.map((subject) =>
      azureFederatedCredential({
        issuer,
        subject,
        audience,
        appId: target.clientId,
        description: `fedkit: Netlify ${context} functions`,
      }),
    );
  },
};
