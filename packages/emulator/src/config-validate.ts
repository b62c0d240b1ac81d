import { readFile } from "node:fs/promises";
import { REGION_NAME } from "./aws/s3-region.js";
import type { EmulatorConfig } from "./config.js";
import { MalformedPolicyError, type PolicyKind, parsePolicy } from "./iam/index.js";

/**
 * A config that does not match the documented schema. `path` points at the offending field
 * (`aws.roles[0].trustPolicy`), the message says what was expected.
 * @public
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly path: string;
  constructor(path: string, message: string, options?: { cause?: unknown }) {
    super(`emulator config ${path}: ${message}`, options);
    this.path = path;
  }
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string, known: readonly string[]): Obj {
  if (!isObject(value)) throw new ConfigError(path, `expected an object, got ${describe(value)}`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new ConfigError(`${path}.${key}`, `unknown field; expected one of ${known.join(", ")}`);
    }
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `the string ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}

function optArray(value: unknown, path: string, each: (item: unknown, path: string) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) throw new ConfigError(path, `expected an array, got ${describe(value)}`);
  value.forEach((item, index) => {
    each(item, `${path}[${index}]`);
  });
}

function str(value: unknown, path: string, pattern?: RegExp, what?: string): void {
  if (typeof value !== "string" || value === "") {
    throw new ConfigError(path, `expected a non-empty string, got ${describe(value)}`);
  }
  if (pattern && !pattern.test(value)) throw new ConfigError(path, `expected ${what ?? pattern.source}`);
}

function optStr(value: unknown, path: string, pattern?: RegExp, what?: string): void {
  if (value !== undefined) str(value, path, pattern, what);
}

function optInt(value: unknown, path: string, min: number, max: number): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(path, `expected an integer from ${min} to ${max}, got ${describe(value)}`);
  }
}

function optBool(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ConfigError(path, `expected true or false, got ${describe(value)}`);
  }
}

function stringMap(value: unknown, path: string): void {
  if (value === undefined) return;
  if (!isObject(value)) throw new ConfigError(path, `expected an object of strings, got ${describe(value)}`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") throw new ConfigError(`${path}.${key}`, `expected a string`);
  }
}

function policy(kind: PolicyKind) {
  return (value: unknown, path: string): void => {
    try {
      parsePolicy(value, { kind });
    } catch (error) {
      if (!(error instanceof MalformedPolicyError)) throw error;
      throw new ConfigError(
        error.path ? `${path}.${error.path}` : path,
        error.message.replace(`${error.path}: `, ""),
        {
          cause: error,
        },
      );
    }
  };
}

const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

function validateIdp(value: unknown, path: string): void {
  if (value === undefined) return;
  const idp = object(value, path, ["users", "clients", "keys", "tokenTtlSeconds"]);
  optArray(idp["users"], `${path}.users`, (item, at) => {
    const user = object(item, at, ["sub", "claims"]);
    str(user["sub"], `${at}.sub`);
    if (user["claims"] !== undefined && !isObject(user["claims"])) {
      throw new ConfigError(`${at}.claims`, "expected an object of claims");
    }
  });
  optArray(idp["clients"], `${path}.clients`, (item, at) => {
    const client = object(item, at, ["clientId", "jwks", "jwksUri", "audience"]);
    str(client["clientId"], `${at}.clientId`);
    if (client["jwks"] === undefined && client["jwksUri"] === undefined) {
      throw new ConfigError(at, "give the client's public keys as `jwks` or `jwksUri` (private_key_jwt)");
    }
    if (client["jwks"] !== undefined) {
      const jwks = object(client["jwks"], `${at}.jwks`, ["keys"]);
      if (!Array.isArray(jwks["keys"])) throw new ConfigError(`${at}.jwks.keys`, "expected an array of JWKs");
    }
    optStr(client["jwksUri"], `${at}.jwksUri`, HTTP_URL, "an http(s) URL");
    optStr(client["audience"], `${at}.audience`);
  });
  optArray(idp["keys"], `${path}.keys`, (item, at) => {
    const key = object(item, at, ["alg", "kid"]);
    str(key["alg"], `${at}.alg`, /^(RS256|ES256)$/, `"RS256" or "ES256"`);
    optStr(key["kid"], `${at}.kid`);
  });
  optInt(idp["tokenTtlSeconds"], `${path}.tokenTtlSeconds`, 1, 86_400 * 7);
}

function validateAws(value: unknown, path: string): void {
  if (value === undefined) return;
  const aws = object(value, path, [
    "accountId",
    "oidcProviders",
    "roles",
    "buckets",
    "maxWebIdentityTokenAgeSeconds",
  ]);
  optInt(aws["maxWebIdentityTokenAgeSeconds"], `${path}.maxWebIdentityTokenAgeSeconds`, 60, 86_400 * 30);
  optStr(aws["accountId"], `${path}.accountId`, /^\d{12}$/, "twelve digits, e.g. 123456789012");
  optArray(aws["oidcProviders"], `${path}.oidcProviders`, (item, at) => {
    const provider = object(item, at, ["url", "clientIds"]);
    str(
      provider["url"],
      `${at}.url`,
      /^(https?:\/\/[^\s/?#]+(\/[^\s?#]*)?|\{\{idp\}\})$/,
      "the issuer URL including https:// (or {{idp}} for the built-in IdP)",
    );
    if (!Array.isArray(provider["clientIds"]) || provider["clientIds"].length === 0) {
      throw new ConfigError(`${at}.clientIds`, "expected a non-empty array of audiences (client IDs)");
    }
    provider["clientIds"].forEach((id, index) => {
      str(id, `${at}.clientIds[${index}]`);
    });
  });
  optArray(aws["roles"], `${path}.roles`, (item, at) => {
    const role = object(item, at, [
      "name",
      "path",
      "trustPolicy",
      "permissionPolicies",
      "maxSessionDurationSeconds",
      "tags",
    ]);
    str(
      role["name"],
      `${at}.name`,
      /^[\w+=,.@-]{1,64}$/,
      "a role name of 1-64 characters [A-Za-z0-9+=,.@_-]",
    );
    optStr(role["path"], `${at}.path`, /^\/([\x21-\x7e]*\/)?$/, "an IAM path starting and ending with /");
    policy("trust")(role["trustPolicy"], `${at}.trustPolicy`);
    optArray(role["permissionPolicies"], `${at}.permissionPolicies`, policy("identity"));
    optInt(role["maxSessionDurationSeconds"], `${at}.maxSessionDurationSeconds`, 3600, 43_200);
    stringMap(role["tags"], `${at}.tags`);
  });
  optArray(aws["buckets"], `${path}.buckets`, (item, at) => {
    const bucket = object(item, at, ["name", "region", "objects"]);
    optStr(bucket["region"], `${at}.region`, REGION_NAME, "an AWS region name, e.g. eu-west-1");
    str(
      bucket["name"],
      `${at}.name`,
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      "an S3 bucket name (3-63 a-z0-9.-)",
    );
    stringMap(bucket["objects"], `${at}.objects`);
  });
}

const CORE_SECTIONS = ["tls", "idp", "issuers", "aws", "maxBodyBytes"] as const;

/**
 * Checks an untrusted value (a parsed JSON file) against the documented schema and returns it typed.
 * `extraSections` are validated by the services that own them (gcp, azure).
 *
 * @throws {ConfigError} naming the first offending field.
 * @example
 * ```ts
 * const config = validateConfig(JSON.parse(text));
 * ```
 * @public
 */
export function validateConfig(
  value: unknown,
  extraSections: Record<string, (section: unknown, path: string) => void> = {},
): EmulatorConfig {
  const config = object(value, "(root)", [...CORE_SECTIONS, "$schema", ...Object.keys(extraSections)]);
  const tls = config["tls"];
  if (tls !== undefined && typeof tls !== "boolean") {
    const given = object(tls, "tls", ["cert", "key", "ca"]);
    str(given["cert"], "tls.cert", /-----BEGIN CERTIFICATE-----/, "a PEM certificate");
    str(given["key"], "tls.key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a PEM private key");
    optStr(given["ca"], "tls.ca", /-----BEGIN CERTIFICATE-----/, "a PEM certificate");
  }
  validateIdp(config["idp"], "idp");
  if (config["issuers"] !== undefined) {
    const issuers = object(config["issuers"], "issuers", [
      "jwksCacheSeconds",
      "refetchCooldownSeconds",
      "allowHttpLoopback",
    ]);
    optInt(issuers["jwksCacheSeconds"], "issuers.jwksCacheSeconds", 0, 86_400);
    optInt(issuers["refetchCooldownSeconds"], "issuers.refetchCooldownSeconds", 0, 86_400);
    optBool(issuers["allowHttpLoopback"], "issuers.allowHttpLoopback");
  }
  validateAws(config["aws"], "aws");
  optInt(config["maxBodyBytes"], "maxBodyBytes", 1024, 1024 ** 3);
  for (const [section, validate] of Object.entries(extraSections)) {
    if (config[section] !== undefined) validate(config[section], section);
  }
  return config as EmulatorConfig;
}

/**
 * Reads and validates a JSON config file. Use `loadConfigFile` from the package entry, which also validates the
 * sections of every registered service.
 *
 * @throws {ConfigError} when the file is missing, not JSON, or does not match the schema.
 * @internal
 */
export async function readConfigFile(
  path: string,
  extraSections?: Record<string, (section: unknown, path: string) => void>,
): Promise<EmulatorConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (cause) {
    throw new ConfigError("(file)", `cannot read ${path}: ${(cause as Error).message}`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError("(file)", `${path} is not valid JSON: ${(cause as Error).message}`, { cause });
  }
  return validateConfig(parsed, extraSections);
}
