/**
 * Resolves and checks `azureProvider` options, falling back to the Azure SDK's environment variables.
 *
 * @packageDocumentation
 */

import type { EndpointRule } from "@fedkit/core";
import { checkEndpoint, FederationError, OFFICIAL_HOSTS } from "@fedkit/core";
import { DEFAULT_AUTHORITY_HOST, exchangeAudienceFor } from "./clouds.js";
import { type EnvGetter, readEnv, runtimeEnv } from "./env.js";

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
  /** Where the `AZURE_*` variables are read from. Default: the runtime's environment, read at creation. */
  readonly env?: EnvGetter;
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
  readonly allowCustomAuthority: boolean;
}

const TENANT = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,254}[A-Za-z0-9])?$/;
const MULTI_TENANT = new Set(["common", "organizations", "consumers"]);

function config(message: string): FederationError {
  return new FederationError("config", message, { provider: "azure" });
}

function resolveAuthority(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw config(
      `authorityHost ${JSON.stringify(raw)} is not a URL; use e.g. https://login.microsoftonline.com`,
    );
  }
  if (
    url.search !== "" ||
    url.hash !== "" ||
    url.username !== "" ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw config(
      `authorityHost must be an origin without path, query or credentials (got ${url.origin}${url.pathname}); the tenant is set with tenantId`,
    );
  }
  return url.origin;
}

/** Scope checks: client credentials take exactly one `<resource>/.default`. @internal */
export function checkScope(scope: unknown): string {
  if (typeof scope !== "string" || !scope.endsWith("/.default") || /\s/.test(scope) || scope.length <= 9) {
    throw new TypeError(
      `azure: scope must be one '<resource>/.default' string such as 'https://storage.azure.com/.default' (got ${JSON.stringify(scope)})`,
    );
  }
  return scope;
}

/**
 * Applies defaults and environment variables, and refuses configurations that cannot work.
 * @internal
 */
export function resolveOptions(options: AzureProviderOptions): ResolvedAzureOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      "azureProvider: options are required, e.g. { scope: 'https://storage.azure.com/.default' }",
    );
  }
  const env = options.env ?? runtimeEnv;
  const scope = checkScope(options.scope);
  const clientId = options.clientId ?? readEnv(env, "AZURE_CLIENT_ID");
  const tenantId = options.tenantId ?? readEnv(env, "AZURE_TENANT_ID");
  if (clientId === undefined || clientId.trim() === "") {
    throw config(
      "azure: no client id; pass clientId or set AZURE_CLIENT_ID to the app registration's client ID",
    );
  }
  if (tenantId === undefined || !TENANT.test(tenantId)) {
    throw config(
      `azure: ${tenantId === undefined ? "no tenant id; pass tenantId or set AZURE_TENANT_ID" : `tenant ${JSON.stringify(tenantId)} is not a tenant ID or domain`}`,
    );
  }
  if (MULTI_TENANT.has(tenantId.toLowerCase())) {
    throw config(`azure: tenant '${tenantId}' cannot issue app tokens; use the Directory (tenant) ID`);
  }
  const authorityHost = resolveAuthority(
    options.authorityHost ?? readEnv(env, "AZURE_AUTHORITY_HOST") ?? DEFAULT_AUTHORITY_HOST,
  );
  const allowCustomAuthority = options.allowCustomAuthority === true;
  const endpoint: EndpointRule = {
    cloud: "azure",
    officialHosts: OFFICIAL_HOSTS.azure.authority,
    ...(allowCustomAuthority ? { allowedOrigins: [authorityHost] } : {}),
  };
  const tokenUrl = `${authorityHost}/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
  checkEndpoint(tokenUrl, endpoint);
  const attempts = options.propagationAttempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    throw new TypeError(`azure: propagationAttempts must be an integer from 1 to 10 (got ${attempts})`);
  }
  const audience = options.audience ?? exchangeAudienceFor(authorityHost);
  if (typeof audience !== "string" || audience === "")
    throw new TypeError("azure: audience must be a non-empty string");
  return {
    scope,
    resource: scope.slice(0, -"/.default".length),
    clientId: clientId.trim(),
    tenantId,
    authorityHost,
    audience,
    tokenUrl,
    endpoint,
    propagationAttempts: attempts,
    allowCustomAuthority,
  };
}
