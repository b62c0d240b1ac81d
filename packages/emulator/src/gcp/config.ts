/**
 * The `gcp` section of the emulator config: workload identity pools and providers, service accounts with IAM
 * bindings, and Cloud Storage buckets with bindings and seed objects.
 *
 * @packageDocumentation
 */

import type { JWKS } from "../config.js";
import { ConfigError } from "../config-validate.js";
import { CelConfigError, compileCel } from "./cel.js";

/** An IAM binding: a role granted to members (`serviceAccount:…`, `principal://…`, `principalSet://…`). @public */
export interface GcpBinding {
  role: string;
  members: string[];
}

/** An OIDC workload identity pool provider. @public */
export interface GcpProviderConfig {
  providerId: string;
  /** Must equal the tokens' `iss` exactly. Keys come from its discovery + JWKS unless `jwks` is uploaded. */
  issuerUri: string;
  /** An uploaded JWKS (Google lets you upload one instead of fetching it). */
  jwks?: JWKS;
  /** At most 10. Default: the provider's resource name, with or without `https:`. */
  allowedAudiences?: string[];
  /** CEL per target attribute; default `{ "google.subject": "assertion.sub" }`. */
  attributeMapping?: Record<string, string>;
  /** CEL over `assertion`, `google`, `attribute`; must be true for the exchange to succeed. */
  attributeCondition?: string;
  disabled?: boolean;
}

/** A workload identity pool. @public */
export interface GcpPoolConfig {
  poolId: string;
  disabled?: boolean;
  providers: GcpProviderConfig[];
}

/** A service account and who may act as it. @public */
export interface GcpServiceAccountConfig {
  /** `name@project.iam.gserviceaccount.com`. */
  email: string;
  /** IAM policy on the service account (`roles/iam.workloadIdentityUser`, `roles/iam.serviceAccountTokenCreator`). */
  bindings?: GcpBinding[];
  disabled?: boolean;
  /** Allows impersonated token lifetimes up to 43200 s (the org-policy lifetime extension). */
  allowLifetimeExtension?: boolean;
}

/** A Cloud Storage bucket. @public */
export interface GcpBucketConfig {
  name: string;
  /** Bucket IAM policy (`roles/storage.objectViewer`, `objectCreator`, `objectUser`, `objectAdmin`, `admin`). */
  bindings?: GcpBinding[];
  /** Seed objects, name → UTF-8 body. */
  objects?: Record<string, string>;
}

/** The emulated Google Cloud project. @public */
export interface GcpConfig {
  /** Digits; default `123456789012`. */
  projectNumber?: string;
  /** Default `fedkit-emulator`. */
  projectId?: string;
  pools?: GcpPoolConfig[];
  serviceAccounts?: GcpServiceAccountConfig[];
  buckets?: GcpBucketConfig[];
  /** Lifetime of federated (STS) tokens, default 3600. */
  federatedTokenTtlSeconds?: number;
  /** Clock skew allowed on subject token `exp`/`nbf`/`iat`, default 30. */
  skewSeconds?: number;
}

declare module "../config.js" {
  interface EmulatorConfig {
    /** Google STS, IAM Credentials and Cloud Storage; their listeners run when this is set. */
    gcp?: GcpConfig;
  }
}

type Obj = Record<string, unknown>;

function obj(value: unknown, path: string, known: string[]): Obj {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new ConfigError(path, "expected an object");
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

function text(value: unknown, path: string, pattern?: RegExp, what?: string): void {
  if (typeof value !== "string" || value === "") throw new ConfigError(path, "expected a non-empty string");
  if (pattern && !pattern.test(value)) throw new ConfigError(path, `expected ${what}`);
}

const ID = /^[a-z][a-z0-9-]{2,30}[a-z0-9]$/;
const EMAIL = /^[a-z0-9][a-z0-9.-]*@[a-z0-9.-]+$/;

function bindings(value: unknown, path: string): void {
  list(value, path).forEach((item, i) => {
    const binding = obj(item, `${path}[${i}]`, ["role", "members"]);
    text(
      binding["role"],
      `${path}[${i}].role`,
      /^roles\/[A-Za-z0-9_.]+$/,
      "a role such as roles/storage.objectViewer",
    );
    list(binding["members"], `${path}[${i}].members`).forEach((m, j) => {
      text(m, `${path}[${i}].members[${j}]`);
    });
  });
}

/** Attribute names Google allows in a mapping. */
const TARGET =
  /^(google\.subject|google\.groups|google\.display_name|google\.profile_photo|attribute\.[a-z_][a-z0-9_]{0,99})$/;

/** Validates one provider (CEL included). @internal */
export function validateGcpProvider(value: unknown, path: string): void {
  const p = obj(value, path, [
    "providerId",
    "issuerUri",
    "jwks",
    "allowedAudiences",
    "attributeMapping",
    "attributeCondition",
    "disabled",
  ]);
  text(p["providerId"], `${path}.providerId`, ID, "4-32 lower-case letters, digits or hyphens");
  text(p["issuerUri"], `${path}.issuerUri`, /^https?:\/\//, "an http(s) URL");
  if (p["jwks"] !== undefined && !Array.isArray((p["jwks"] as { keys?: unknown }).keys)) {
    throw new ConfigError(`${path}.jwks`, "expected a JWKS ({ keys: [...] })");
  }
  list(p["allowedAudiences"], `${path}.allowedAudiences`, 10).forEach((a, i) => {
    text(a, `${path}.allowedAudiences[${i}]`);
  });
  const mapping = p["attributeMapping"];
  if (mapping !== undefined) {
    const entries = Object.entries(obj(mapping, `${path}.attributeMapping`, Object.keys(mapping as Obj)));
    if (!entries.some(([k]) => k === "google.subject")) {
      throw new ConfigError(`${path}.attributeMapping`, "must map google.subject");
    }
    for (const [target, expression] of entries) {
      if (!TARGET.test(target))
        throw new ConfigError(`${path}.attributeMapping.${target}`, "not a mappable attribute");
      text(expression, `${path}.attributeMapping.${target}`);
      cel(expression as string, ["assertion"], `${path}.attributeMapping.${target}`);
    }
  }
  if (p["attributeCondition"] !== undefined) {
    text(p["attributeCondition"], `${path}.attributeCondition`);
    cel(
      p["attributeCondition"] as string,
      ["assertion", "google", "attribute"],
      `${path}.attributeCondition`,
    );
  }
}

function cel(source: string, variables: string[], path: string): void {
  try {
    compileCel(source, variables);
  } catch (error) {
    if (error instanceof CelConfigError) throw new ConfigError(path, error.message, { cause: error });
    throw error;
  }
}

/**
 * Validates the `gcp` section (CEL expressions included); throws `ConfigError` naming the field.
 * @internal
 */
export function validateGcpConfig(section: unknown, path: string): void {
  const gcp = obj(section, path, [
    "projectNumber",
    "projectId",
    "pools",
    "serviceAccounts",
    "buckets",
    "federatedTokenTtlSeconds",
    "skewSeconds",
  ]);
  if (gcp["projectNumber"] !== undefined)
    text(gcp["projectNumber"], `${path}.projectNumber`, /^\d{1,20}$/, "digits");
  if (gcp["projectId"] !== undefined) text(gcp["projectId"], `${path}.projectId`);
  list(gcp["pools"], `${path}.pools`).forEach((item, i) => {
    const pool = obj(item, `${path}.pools[${i}]`, ["poolId", "disabled", "providers"]);
    text(pool["poolId"], `${path}.pools[${i}].poolId`, ID, "4-32 lower-case letters, digits or hyphens");
    list(pool["providers"], `${path}.pools[${i}].providers`).forEach((p, j) => {
      validateGcpProvider(p, `${path}.pools[${i}].providers[${j}]`);
    });
  });
  list(gcp["serviceAccounts"], `${path}.serviceAccounts`).forEach((item, i) => {
    const sa = obj(item, `${path}.serviceAccounts[${i}]`, [
      "email",
      "bindings",
      "disabled",
      "allowLifetimeExtension",
    ]);
    text(sa["email"], `${path}.serviceAccounts[${i}].email`, EMAIL, "a service account email");
    bindings(sa["bindings"], `${path}.serviceAccounts[${i}].bindings`);
  });
  list(gcp["buckets"], `${path}.buckets`).forEach((item, i) => {
    const bucket = obj(item, `${path}.buckets[${i}]`, ["name", "bindings", "objects"]);
    text(
      bucket["name"],
      `${path}.buckets[${i}].name`,
      /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/,
      "a bucket name",
    );
    bindings(bucket["bindings"], `${path}.buckets[${i}].bindings`);
  });
  for (const [field, max] of [
    ["federatedTokenTtlSeconds", 43_200],
    ["skewSeconds", 3600],
  ] as const) {
    const v = gcp[field];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > max)) {
      throw new ConfigError(`${path}.${field}`, `expected an integer from 0 to ${max}`);
    }
  }
}
