/**
 * The `azure` section of the emulator config: Entra tenants and app registrations with federated identity
 * credentials.
 *
 * @packageDocumentation
 */
import { ConfigError } from "../config-validate.js";

/** A federated identity credential of an app registration (issuer, subject and one audience, exact match). @public */
export interface FederatedCredentialConfig {
  /** Up to 120 characters; default `fic-<n>`. */
  name?: string;
  /** The `iss` of accepted assertions, compared exactly. */
  issuer: string;
  /** The `sub` of accepted assertions, compared exactly and case-sensitively. */
  subject: string;
  /** Exactly one audience, default `["api://AzureADTokenExchange"]`. */
  audiences?: [string];
}

/** An app registration (its service principal lives in the same tenant). @public */
export interface AzureAppConfig {
  /** Application (client) ID. */
  clientId: string;
  /** The tenant the app lives in; default the first tenant. */
  tenantId?: string;
  displayName?: string;
  /** At most 20, like Entra. */
  federatedCredentials?: FederatedCredentialConfig[];
  /** App roles put in the `roles` claim of its access tokens. */
  roles?: string[];
}

/** The emulated Entra directory. @public */
export interface AzureConfig {
  /** Directory (tenant) IDs; default one tenant `72f988bf-86f1-41af-91ab-2d7cd011db47`. */
  tenants?: Array<{ tenantId: string; domains?: string[] }>;
  apps?: AzureAppConfig[];
  /**
   * Resource ids a scope may name (`<resource>/.default`), in addition to the built-in ones
   * (storage, Key Vault, ARM, Graph, `api://…` ids of configured apps).
   */
  resources?: string[];
  /** Lifetime of access tokens, default 3599 (Entra's 60-90 minutes without the randomisation). */
  tokenTtlSeconds?: number;
  /** When set, answers carry `refresh_in` (Entra sends it for long-lived tokens). */
  refreshInSeconds?: number;
  /** Allowed clock skew on assertion `exp`/`nbf`, default 300. */
  skewSeconds?: number;
}

declare module "../config.js" {
  interface EmulatorConfig {
    /** Microsoft Entra (token endpoint over TLS); the `entra` listener runs when this is set. */
    azure?: AzureConfig;
  }
}

/** The tenant used when none is configured. @public */
export const DEFAULT_TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

type Obj = Record<string, unknown>;

function obj(value: unknown, path: string, known: string[]): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(path, "expected an object");
  }
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      throw new ConfigError(`${path}.${key}`, `unknown field; expected one of ${known.join(", ")}`);
  }
  return value as Obj;
}

function list(value: unknown, path: string, max = 1000): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > max)
    throw new ConfigError(path, `expected an array of at most ${max} items`);
  return value;
}

function text(value: unknown, path: string, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== "string" || value === "") throw new ConfigError(path, "expected a non-empty string");
}

function int(value: unknown, path: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(path, `expected an integer from ${min} to ${max}`);
  }
}

/**
 * Validates the `azure` section; throws `ConfigError` naming the field.
 * @internal
 */
export function validateAzureConfig(section: unknown, path: string): void {
  const azure = obj(section, path, [
    "tenants",
    "apps",
    "resources",
    "tokenTtlSeconds",
    "refreshInSeconds",
    "skewSeconds",
  ]);
  const tenants = list(azure["tenants"], `${path}.tenants`).map((item, i) => {
    const tenant = obj(item, `${path}.tenants[${i}]`, ["tenantId", "domains"]);
    text(tenant["tenantId"], `${path}.tenants[${i}].tenantId`);
    list(tenant["domains"], `${path}.tenants[${i}].domains`).forEach((d, j) => {
      text(d, `${path}.tenants[${i}].domains[${j}]`);
    });
    return tenant["tenantId"] as string;
  });
  list(azure["apps"], `${path}.apps`).forEach((item, i) => {
    const at = `${path}.apps[${i}]`;
    const app = obj(item, at, ["clientId", "tenantId", "displayName", "federatedCredentials", "roles"]);
    text(app["clientId"], `${at}.clientId`);
    text(app["tenantId"], `${at}.tenantId`, true);
    if (app["tenantId"] !== undefined && tenants.length > 0 && !tenants.includes(app["tenantId"] as string)) {
      throw new ConfigError(`${at}.tenantId`, "names no configured tenant");
    }
    text(app["displayName"], `${at}.displayName`, true);
    list(app["roles"], `${at}.roles`).forEach((r, j) => {
      text(r, `${at}.roles[${j}]`);
    });
    list(app["federatedCredentials"], `${at}.federatedCredentials`, 20).forEach((fic, j) => {
      const fat = `${at}.federatedCredentials[${j}]`;
      const credential = obj(fic, fat, ["name", "issuer", "subject", "audiences"]);
      text(credential["name"], `${fat}.name`, true);
      text(credential["issuer"], `${fat}.issuer`);
      text(credential["subject"], `${fat}.subject`);
      const audiences = credential["audiences"];
      if (audiences !== undefined && (!Array.isArray(audiences) || audiences.length !== 1)) {
        throw new ConfigError(
          `${fat}.audiences`,
          "a federated identity credential takes exactly one audience",
        );
      }
      if (Array.isArray(audiences)) text(audiences[0], `${fat}.audiences[0]`);
    });
  });
  list(azure["resources"], `${path}.resources`).forEach((r, i) => {
    text(r, `${path}.resources[${i}]`);
  });
  int(azure["tokenTtlSeconds"], `${path}.tokenTtlSeconds`, 60, 86_400);
  int(azure["refreshInSeconds"], `${path}.refreshInSeconds`, 1, 86_400);
  int(azure["skewSeconds"], `${path}.skewSeconds`, 0, 3600);
}
