/**
 * Resolves and checks `azureProvider` options, falling back to the Azure SDK's environment variables.
 *
 * @packageDocumentation
 */

import { FederationError } from "@fedkit/core";
import type { EndpointRule } from "@fedkit/core/provider";
import { checkEndpoint, type EnvInput, toEnvGetter } from "@fedkit/core/provider";
import { DEFAULT_AUTHORITY_HOST, ENTRA_AUTHORITY_HOSTS, exchangeAudienceFor } from "./clouds.js";

/**
 * Options of {@link azureProvider}.
 * @public
 */
export interface AzureProviderOptions {
  /**
   * The one scope to request: `<resource>/.default`, e.g. `https://storage.azure.com/.default`,
   * `https://vault.azure.net/.default`, `https://management.azure.com/.default`.
   */
  readonly scope: string;
  /** The app registration's Application (client) ID. Default: `AZURE_CLIENT_ID`. */
  readonly clientId?: string;
  /** The Directory (tenant) ID or a verified domain. Default: `AZURE_TENANT_ID`. */
  readonly tenantId?: string;
  /**
   * Entra's authority host, e.g. `https://login.microsoftonline.us` for US Government.
   * Default: `AZURE_AUTHORITY_HOST`, else `https://login.microsoftonline.com`.
   */
  readonly authorityHost?: string;
  /**
   * The `aud` the subject token must carry, the one audience of the federated identity credential.
   * Default: `api://AzureADTokenExchange` (`...China` / `...USGov` for those clouds' authority hosts).
   */
  readonly audience?: string;
  /**
   * Allows an authority host outside Microsoft's official set (the fedkit emulator, a test double).
   * The subject token is sent there, so only opt in for a host you control.
   */
  readonly allowCustomAuthority?: boolean;
  /**
   * How many attempts to make in all when Entra answers AADSTS70021 (no matching federated identity record),
   * which can be transient for a few minutes after a credential is created. Default 3; 1 disables the retry.
   */
  readonly propagationAttempts?: number;
  /**
   * Where the `AZURE_*` variables are read from: a getter `(name) => value`, a record, or a function returning
   * a record. Default: the runtime's environment, read at creation.
   */
  readonly env?: EnvInput;
}

/** Options after defaults and checks. @internal */
export interface ResolvedAzureOptions {
  readonly scope: string;
  readonly resource: string;
  readonly clientId: string;
  readonly tenantId: string;
  readonly authorityHost: string;
  readonly audience: string;
  readonly tokenUrl: string;
  readonly endpoint: EndpointRule;
  readonly propagationAttempts: number;
}

// A tenant id or verified domain. Never a multi-tenant alias (they cannot issue app-only tokens), nor a path
// character (it would change the token URL).
const TENANT = /^(?!(?:common|organizations|consumers)$)[a-z\d](?:[a-z\d.-]{0,254}[a-z\d])?$/i;

function config(message: string): FederationError {
  return new FederationError("config", message, { provider: "azure" });
}

function resolveAuthority(raw: string): string {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  // An origin only: the tenant goes in tenantId, and credentials or a query have no place in it.
  if (url?.href !== `${url?.origin}/`) {
    throw config(`authorityHost must be an origin (https://host), got ${raw}`);
  }
  return url.origin;
}

/** Scope checks: client credentials take exactly one `<resource>/.default`. @internal */
export function checkScope(scope: unknown): string {
  if (typeof scope !== "string" || !scope.endsWith("/.default") || /\s/.test(scope) || scope.length <= 9) {
    throw new TypeError(`azure: scope must be one '<resource>/.default' (got ${scope})`);
  }
  return scope;
}

/**
 * Applies defaults and environment variables, and refuses configurations that cannot work.
 * @internal
 */
export function resolveOptions(options: AzureProviderOptions): ResolvedAzureOptions {
  const scope = checkScope(options?.scope);
  const env = toEnvGetter(options.env);
  const clientId = options.clientId ?? env("AZURE_CLIENT_ID");
  const tenantId = options.tenantId ?? env("AZURE_TENANT_ID");
  if (!clientId?.trim()) throw config("azure: set clientId or AZURE_CLIENT_ID (the app's Application ID)");
  if (!tenantId || !TENANT.test(tenantId)) {
    throw config(`azure: set tenantId or AZURE_TENANT_ID to the Directory (tenant) ID (got ${tenantId})`);
  }
  const authorityHost = resolveAuthority(
    options.authorityHost ?? env("AZURE_AUTHORITY_HOST") ?? DEFAULT_AUTHORITY_HOST,
  );
  const endpoint: EndpointRule = {
    cloud: "azure",
    officialHosts: ENTRA_AUTHORITY_HOSTS,
    ...(options.allowCustomAuthority === true && { allowedOrigins: [authorityHost] }),
  };
  const tokenUrl = `${authorityHost}/${tenantId}/oauth2/v2.0/token`;
  checkEndpoint(tokenUrl, endpoint);
  const attempts = options.propagationAttempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    throw new TypeError(`azure: propagationAttempts must be 1 to 10 (got ${attempts})`);
  }
  return {
    scope,
    resource: scope.slice(0, -9),
    clientId: clientId.trim(),
    tenantId,
    authorityHost,
    audience: options.audience || exchangeAudienceFor(authorityHost),
    tokenUrl,
    endpoint,
    propagationAttempts: attempts,
  };
}
