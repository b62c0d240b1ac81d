/**
 * The emulator's configuration: the types of the documented config file and a validating loader.
 *
 * @packageDocumentation
 */

import type { PolicyDocument } from "./iam/types.js";

export type { PolicyDocument };

/** A JSON Web Key Set as published at a `jwks_uri`. @public */
export interface JWKS {
  keys: Array<Record<string, unknown>>;
}

/** The built-in OIDC identity provider's settings. @public */
export interface IdpConfig {
  /** People the IdP knows; `mint({ sub })` adds their claims. */
  users?: Array<{ sub: string; claims?: Record<string, unknown> }>;
  /**
   * Workloads allowed at the token endpoint with `client_credentials` + `private_key_jwt`: the client signs its
   * assertion with a key from `jwks` (inline) or `jwksUri`; `audience` is the `aud` of the tokens it receives.
   */
  clients?: Array<{ clientId: string; jwks?: JWKS; jwksUri?: string; audience?: string }>;
  /** Signing keys generated at start; default one RS256 and one ES256 key. The first one signs by default. */
  keys?: Array<{ alg: "RS256" | "ES256"; kid?: string }>;
  /** Lifetime of minted tokens, default 3600. */
  tokenTtlSeconds?: number;
}

/** How the clouds fetch and cache an issuer's discovery document and JWKS. @public */
export interface IssuersConfig {
  /** How long a fetched JWKS is trusted, default 600 seconds. */
  jwksCacheSeconds?: number;
  /** At most one refetch per issuer within this window when a token names an unknown `kid`, default 30. */
  refetchCooldownSeconds?: number;
  /** Loopback issuers may use plain http (default true); every other issuer must be https. */
  allowHttpLoopback?: boolean;
}

/** An IAM role of the emulated account. @public */
export interface AwsRoleConfig {
  name: string;
  /** IAM path, default `/`. */
  path?: string;
  /** Who may assume the role (IAM JSON). */
  trustPolicy: PolicyDocument;
  /** What the role may do (IAM JSON), inline policies. */
  permissionPolicies?: PolicyDocument[];
  /** 3600..43200, default 3600. */
  maxSessionDurationSeconds?: number;
  tags?: Record<string, string>;
}

/** The emulated AWS account. @public */
export interface AwsConfig {
  /** Twelve digits, default `123456789012`. */
  accountId?: string;
  /** IAM OIDC providers; `url` is the issuer including `https://` (or `http://` for a loopback issuer). */
  oidcProviders?: Array<{ url: string; clientIds: string[] }>;
  roles?: AwsRoleConfig[];
  /**
   * `AssumeRoleWithWebIdentity` refuses a token whose `iat` is older than this ("Token too old"), even when it has
   * not expired. AWS does not publish its limit; default 86400 (one day), a model of observed refusals.
   */
  maxWebIdentityTokenAgeSeconds?: number;
  /** Buckets with seed objects (key → UTF-8 body), each in `region` (default `us-east-1`). */
  buckets?: Array<{ name: string; region?: string; objects?: Record<string, string> }>;
}

/** TLS for every listener: `true` generates a CA and a leaf for 127.0.0.1, localhost and ::1. @public */
export type TlsConfig = boolean | { cert: string; key: string; ca?: string };

/**
 * Everything the emulator can be told. Every field is optional: `startEmulator()` alone runs an IdP, STS and S3
 * with an empty account.
 * @public
 */
export interface EmulatorConfig {
  tls?: TlsConfig;
  idp?: IdpConfig;
  issuers?: IssuersConfig;
  aws?: AwsConfig;
  /** Largest request body a listener accepts, default 16 MiB; larger bodies get HTTP 413. */
  maxBodyBytes?: number;
}
// Other services (gcp, azure) add their sections by declaration merging on this interface and validate them
// through their registry entry in services.ts.
