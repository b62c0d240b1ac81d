/**
 * An object with the shape of `@azure/core-auth`'s `TokenCredential`, so every Azure client library
 * (`@azure/storage-blob`, `@azure/keyvault-secrets`, ...) uses fedkit's cached tokens.
 *
 * @packageDocumentation
 */

import type { AccessToken, Federation, GetCredentialsOptions, Provider } from "@fedkit/core";
import { FederationError } from "@fedkit/core";

/** What Azure SDK clients pass to `getToken` (the subset of `GetTokenOptions` fedkit reads). @public */
export interface GetTokenOptionsLike {
  readonly abortSignal?: AbortSignalLike;
  readonly tenantId?: string;
  readonly claims?: string;
}

/** `@azure/abort-controller`'s `AbortSignalLike`: a real `AbortSignal` satisfies it. @public */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: "abort", listener: () => void, options?: unknown): void;
  removeEventListener(type: "abort", listener: () => void, options?: unknown): void;
}

/** `@azure/core-auth`'s `AccessToken`. @public */
export interface AzureAccessTokenLike {
  readonly token: string;
  readonly expiresOnTimestamp: number;
  readonly refreshAfterTimestamp?: number;
  readonly tokenType: "Bearer";
}

/** `@azure/core-auth`'s `TokenCredential`, structurally. @public */
export interface TokenCredentialLike {
  getToken(scopes: string | string[], options?: GetTokenOptionsLike): Promise<AzureAccessTokenLike | null>;
}

/** Chooses the provider for one scope (one resource); called once per scope and remembered. @public */
export type ProviderForScope = (scope: string) => Provider<AccessToken>;

interface Scoped extends Provider<AccessToken> {
  withScope?: (scope: string) => Provider<AccessToken>;
  scope?: string;
}

function toSignal(signal: AbortSignalLike | undefined): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  const controller = new AbortController();
  if (signal.aborted) controller.abort();
  else signal.addEventListener("abort", () => controller.abort());
  return controller.signal;
}

function pickScope(scopes: string | string[]): string {
  const list = typeof scopes === "string" ? [scopes] : scopes;
  if (list.length !== 1 || typeof list[0] !== "string") {
    throw new FederationError(
      "invalid_request",
      `Entra issues a token for one resource at a time; got scopes ${JSON.stringify(list)}`,
      { provider: "azure", hint: "Ask for exactly one '<resource>/.default' scope per getToken call." },
    );
  }
  return list[0];
}

/**
 * Adapts a federation and an Entra provider to the `TokenCredential` interface of the Azure SDK. Pass an
 * {@link AzureProvider} (its `withScope` serves every resource a client asks for) or a function choosing a
 * provider per scope. Tokens come from the federation, so they are cached, shared by concurrent callers and
 * refreshed like every other fedkit credential.
 *
 * `options.tenantId` must be the provider's tenant (cross-tenant calls need a provider for that tenant), and
 * claims challenges (`options.claims`, continuous access evaluation) are refused rather than ignored.
 *
 * @example
 * ```ts
 * import { BlobServiceClient } from "@azure/storage-blob";
 * const credential = tokenCredential(federation, azureProvider({ scope: "https://storage.azure.com/.default" }));
 * const blobs = new BlobServiceClient("https://account.blob.core.windows.net", credential);
 * ```
 * @public
 */
export function tokenCredential(
  federation: Pick<Federation, "getCredentials">,
  providers: Provider<AccessToken> | ProviderForScope,
  options: Omit<GetCredentialsOptions, "signal"> = {},
): TokenCredentialLike {
  const byScope = new Map<string, Provider<AccessToken>>();
  const forScope = (scope: string): Provider<AccessToken> => {
    let provider = byScope.get(scope);
    if (provider !== undefined) return provider;
    if (typeof providers === "function") provider = providers(scope);
    else {
      const scoped = providers as Scoped;
      if (scoped.withScope !== undefined) provider = scoped.withScope(scope);
      else if (scoped.scope === undefined || scoped.scope === scope) provider = providers;
      else {
        throw new FederationError("config", `this credential serves '${scoped.scope}', not '${scope}'`, {
          provider: providers.cloud,
          hint: "Pass a function (scope) => provider to tokenCredential to serve several resources.",
        });
      }
    }
    byScope.set(scope, provider);
    return provider;
  };
  return {
    async getToken(scopes, getOptions = {}) {
      const scope = pickScope(scopes);
      const provider = forScope(scope);
      const tenant = (provider as { tenantId?: string }).tenantId;
      if (getOptions.tenantId !== undefined && tenant !== undefined && getOptions.tenantId !== tenant) {
        throw new FederationError(
          "config",
          `a token for tenant ${getOptions.tenantId} was asked of a ${tenant} credential`,
          {
            provider: "azure",
            hint: "Create a provider (and app registration credential) for that tenant.",
          },
        );
      }
      if (getOptions.claims !== undefined && getOptions.claims !== "") {
        throw new FederationError(
          "invalid_request",
          "claims challenges are not supported by fedkit's credential",
          {
            provider: "azure",
            hint: "A resource asked for a token with extra claims (continuous access evaluation); disable CAE for this client.",
          },
        );
      }
      const signal = toSignal(getOptions.abortSignal);
      const credentials = await federation.getCredentials(provider, {
        ...options,
        ...(signal ? { signal } : {}),
      });
      return { token: credentials.token, expiresOnTimestamp: credentials.expiresAt, tokenType: "Bearer" };
    },
  };
}
