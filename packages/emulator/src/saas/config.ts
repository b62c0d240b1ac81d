/**
 * The SaaS token services the emulator can stand in for: which issuers each trusts (and where their keys come
 * from), and the bindings (OpenAI service-account mappings, Anthropic federation rules, OpenRouter policies,
 * Vault roles) that decide which verified token gets an access token.
 *
 * @packageDocumentation
 */

import type { JWKS } from "../config.js";
import { ConfigError } from "../config-validate.js";

/** The services modelled: four named presets and the two generic RFC grants. @public */
export type SaasPresetName = "openai" | "anthropic" | "openrouter" | "vault" | "rfc8693" | "rfc7523";

/**
 * Where a trusted issuer's keys come from: OIDC discovery (`<issuer or discoveryBase>/.well-known/openid-configuration`
 * then its `jwks_uri`), an explicit JWKS URL, or keys entered inline (no fetch at all).
 * @public
 */
export type SaasKeySource =
  | { type: "discovery"; discoveryBase?: string }
  | { type: "jwksUrl"; url: string }
  | { type: "inline"; jwks: JWKS };

/** An issuer a service trusts (OpenAI workload identity provider, Anthropic federation issuer, Vault JWT config). @public */
export interface SaasIssuerConfig {
  /** The `iss` value, compared exactly. */
  issuer: string;
  /** The id requests name it by (OpenAI `identity_provider_id`); default the issuer URL. */
  id?: string;
  /** Default `{ type: "discovery" }`. */
  keys?: SaasKeySource;
  /** An `aud` value every token of this issuer must carry (OpenAI's provider-level audience). */
  audience?: string;
  /** Largest allowed `exp - iat` in seconds (Anthropic `max_jwt_lifetime_seconds`); default the preset's. */
  maxLifetimeSeconds?: number;
  /** Single-use `jti` per issuer (Anthropic `check_jti`); default the preset's. Tokens without `jti` pass. */
  checkJti?: boolean;
}

/**
 * What a verified token must satisfy to get an access token, and what it gets: an OpenAI service-account
 * mapping, an Anthropic federation rule, an OpenRouter federation policy, a Vault role, or a generic rule.
 * @public
 */
export interface SaasBindingConfig {
  /** The id requests name (`service_account_id`, `federation_rule_id`, `federation_policy_id`, Vault `role`). */
  id: string;
  /** The issuer URL this binding trusts; must be one of the service's `issuers`. */
  issuer: string;
  /** `sub` must equal this. */
  subject?: string;
  /** `sub` must start with this (Anthropic's `subject_prefix` ending in `*`). */
  subjectPrefix?: string;
  /** One of the token's `aud` values must equal this (Vault: one of these). */
  audience?: string | string[];
  /** Top-level claims that must equal the value (or one of the values) given. */
  claims?: Record<string, string | string[]>;
  /** Generic RFC 8693: the `audience`/`resource` a request may ask for; another one gets `invalid_target`. */
  target?: string;
  /** Returned as `scope` (OpenAI, Anthropic, OpenRouter) or Vault `policies` (space-separated). */
  scope?: string;
  /** Lifetime of issued tokens; default and cap from the preset. */
  tokenLifetimeSeconds?: number;
  /** Default true; a disabled binding refuses like an unknown one. */
  enabled?: boolean;
}

/** One emulated SaaS service, served under `<urls.saas>/<name>`. @public */
export interface SaasServiceConfig {
  /** Path segment under `urls.saas` (`[a-z0-9-]+`). */
  name: string;
  preset: SaasPresetName;
  issuers?: SaasIssuerConfig[];
  bindings?: SaasBindingConfig[];
  /** Anthropic: the `organization_id` requests must name. */
  organizationId?: string;
  /** Generic RFC 7523: the `aud` an assertion must carry; default the token endpoint URL (RFC 7523 §3). */
  audience?: string;
}

/** The `saas` config section. @public */
export interface SaasConfig {
  services?: SaasServiceConfig[];
}

declare module "../config.js" {
  interface EmulatorConfig {
    /** Emulated SaaS token endpoints and echo APIs (OpenAI, Anthropic, OpenRouter, Vault, RFC 8693/7523). */
    saas?: SaasConfig;
  }
}

const PRESETS: readonly SaasPresetName[] = [
  "openai",
  "anthropic",
  "openrouter",
  "vault",
  "rfc8693",
  "rfc7523",
];
const NAME = /^[a-z0-9-]+$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function need(ok: boolean, path: string, message: string): void {
  if (!ok) throw new ConfigError(path, message);
}

function onlyKnown(value: Record<string, unknown>, path: string, known: readonly string[]): void {
  for (const key of Object.keys(value))
    need(known.includes(key), `${path}.${key}`, `unknown field; expected one of ${known.join(", ")}`);
}

function validateKeys(keys: unknown, path: string): void {
  need(isObject(keys), path, "expected { type: discovery | jwksUrl | inline }");
  const source = keys as Record<string, unknown>;
  if (source["type"] === "jwksUrl") need(typeof source["url"] === "string", `${path}.url`, "expected a URL");
  else if (source["type"] === "inline") {
    const jwks = source["jwks"];
    need(
      isObject(jwks) && Array.isArray(jwks["keys"]) && jwks["keys"].length > 0,
      `${path}.jwks`,
      "expected a JWKS with at least one key",
    );
  } else need(source["type"] === "discovery", `${path}.type`, "expected discovery, jwksUrl or inline");
}

/**
 * Checks one service definition.
 * @throws {ConfigError} naming the offending field.
 * @internal
 */
export function validateSaasService(value: unknown, path: string): void {
  need(isObject(value), path, "expected an object");
  const service = value as Record<string, unknown>;
  onlyKnown(service, path, ["name", "preset", "issuers", "bindings", "organizationId", "audience"]);
  need(
    typeof service["name"] === "string" && NAME.test(service["name"]),
    `${path}.name`,
    "expected [a-z0-9-]+",
  );
  need(
    PRESETS.includes(service["preset"] as SaasPresetName),
    `${path}.preset`,
    `expected one of ${PRESETS.join(", ")}`,
  );
  const issuers = (service["issuers"] ?? []) as unknown[];
  need(Array.isArray(issuers), `${path}.issuers`, "expected an array");
  issuers.forEach((issuer, i) => {
    const at = `${path}.issuers[${i}]`;
    need(isObject(issuer) && typeof issuer["issuer"] === "string", `${at}.issuer`, "expected the issuer URL");
    onlyKnown(issuer as Record<string, unknown>, at, [
      "issuer",
      "id",
      "keys",
      "audience",
      "maxLifetimeSeconds",
      "checkJti",
    ]);
    const keys = (issuer as Record<string, unknown>)["keys"];
    if (keys !== undefined) validateKeys(keys, `${at}.keys`);
  });
  const known = new Set(issuers.map((issuer) => (issuer as { issuer: string }).issuer));
  const bindings = (service["bindings"] ?? []) as unknown[];
  need(Array.isArray(bindings), `${path}.bindings`, "expected an array");
  bindings.forEach((binding, i) => {
    const at = `${path}.bindings[${i}]`;
    need(isObject(binding) && typeof binding["id"] === "string", `${at}.id`, "expected a non-empty id");
    const fields = binding as Record<string, unknown>;
    onlyKnown(fields, at, [
      "id",
      "issuer",
      "subject",
      "subjectPrefix",
      "audience",
      "claims",
      "target",
      "scope",
      "tokenLifetimeSeconds",
      "enabled",
    ]);
    need(
      known.has(fields["issuer"] as string),
      `${at}.issuer`,
      "expected the URL of one of the service's issuers",
    );
  });
}

/** Validates the `saas` section. @internal */
export function validateSaasConfig(section: unknown, path: string): void {
  need(isObject(section), path, "expected an object");
  const config = section as Record<string, unknown>;
  onlyKnown(config, path, ["services"]);
  const services = (config["services"] ?? []) as unknown[];
  need(Array.isArray(services), `${path}.services`, "expected an array");
  const names = new Set<string>();
  services.forEach((service, i) => {
    validateSaasService(service, `${path}.services[${i}]`);
    const name = (service as { name: string }).name;
    need(!names.has(name), `${path}.services[${i}].name`, `duplicate service name ${name}`);
    names.add(name);
  });
}
