/**
 * Reads the `external_account` credential configuration that
 * `gcloud iam workload-identity-pools create-cred-config` writes, and turns it into {@link GcpProviderOptions}.
 *
 * @packageDocumentation
 */
import { FederationError } from "@fedkit/core";
import type { GcpProviderOptions } from "./options.js";
import { DEFAULT_UNIVERSE, parseProviderName } from "./resource.js";

/**
 * The fields of an `external_account` credential configuration file that matter to fedkit. `credential_source`
 * is accepted and ignored: fedkit supplies the subject token itself (from the federation's token source).
 * @public
 */
export interface ExternalAccountConfig {
  readonly type: "external_account";
  readonly audience: string;
  readonly subject_token_type: string;
  readonly token_url?: string;
  readonly service_account_impersonation_url?: string;
  readonly service_account_impersonation?: { readonly token_lifetime_seconds?: number };
  readonly universe_domain?: string;
  readonly workforce_pool_user_project?: string;
  readonly credential_source?: unknown;
  readonly quota_project_id?: string;
  readonly client_id?: string;
  readonly client_secret?: string;
  readonly [field: string]: unknown;
}

const SUBJECT_TYPES: Record<string, "jwt" | "id_token"> = {
  "urn:ietf:params:oauth:token-type:jwt": "jwt",
  "urn:ietf:params:oauth:token-type:id_token": "id_token",
};

const IMPERSONATION_PATH = /^\/v1\/projects\/-\/serviceAccounts\/([^/:]+):generateAccessToken$/;

function configError(message: string, hint: string): FederationError {
  return new FederationError("config", message, { provider: "gcp", hint });
}

/**
 * Converts an `external_account` configuration (the parsed JSON object, or its text) into provider options.
 * The URLs it names are only recorded here; {@link gcpProvider} checks them against Google's official hosts.
 *
 * @example
 * ```ts
 * const options = fromExternalAccount(await Deno.readTextFile("clientLibraryConfig.json"));
 * const gcp = gcpProvider(options);
 * ```
 * @throws FederationError `config` for another credential type, a subject token type fedkit cannot supply
 *   (AWS, SAML, mTLS), client credentials, or a malformed impersonation URL.
 * @public
 */
export function fromExternalAccount(config: ExternalAccountConfig | string): GcpProviderOptions {
  let parsed: ExternalAccountConfig;
  try {
    parsed = typeof config === "string" ? (JSON.parse(config) as ExternalAccountConfig) : config;
  } catch (cause) {
    throw new FederationError("config", "The external_account configuration is not valid JSON", {
      provider: "gcp",
      cause,
      hint: "Pass the file gcloud wrote (`gcloud iam workload-identity-pools create-cred-config …`) unchanged.",
    });
  }
  if (parsed === null || typeof parsed !== "object" || parsed.type !== "external_account") {
    throw configError(
      `Expected a credential configuration of type "external_account", got ${JSON.stringify((parsed as { type?: unknown } | null)?.type)}`,
      "Create it with `gcloud iam workload-identity-pools create-cred-config` (workload identity federation).",
    );
  }
  if (typeof parsed.audience !== "string") {
    throw configError(
      "The external_account configuration has no audience",
      "Re-create the file with gcloud.",
    );
  }
  const subjectTokenType = SUBJECT_TYPES[parsed.subject_token_type];
  if (subjectTokenType === undefined) {
    throw configError(
      `subject_token_type "${parsed.subject_token_type}" cannot be supplied by fedkit`,
      "fedkit exchanges OIDC tokens: create the configuration for an OIDC provider (subject token type jwt or id_token).",
    );
  }
  if (parsed.client_id !== undefined || parsed.client_secret !== undefined) {
    throw configError(
      "client_id/client_secret in an external_account configuration are not supported",
      "Workload identity federation with OIDC needs no client secret; remove client_id and client_secret.",
    );
  }
  const provider = parseProviderName(parsed.audience);
  const universeDomain = parsed.universe_domain ?? DEFAULT_UNIVERSE;
  let serviceAccount: string | undefined;
  let iamCredentialsEndpoint: string | undefined;
  if (parsed.service_account_impersonation_url !== undefined) {
    const url = new URL(parsed.service_account_impersonation_url);
    const match = IMPERSONATION_PATH.exec(url.pathname);
    if (!match) {
      throw configError(
        "service_account_impersonation_url is not an IAM Credentials generateAccessToken URL",
        "Expected https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/<email>:generateAccessToken.",
      );
    }
    serviceAccount = decodeURIComponent(match[1]!);
    iamCredentialsEndpoint = url.origin;
  }
  const lifetime = parsed.service_account_impersonation?.token_lifetime_seconds;
  return {
    audience: provider.resource,
    subjectTokenType,
    universeDomain,
    ...(parsed.token_url === undefined ? {} : { stsEndpoint: parsed.token_url }),
    ...(serviceAccount === undefined ? {} : { serviceAccount }),
    ...(iamCredentialsEndpoint === undefined ? {} : { iamCredentialsEndpoint }),
    ...(lifetime === undefined ? {} : { lifetimeSeconds: lifetime }),
    ...(parsed.workforce_pool_user_project === undefined
      ? {}
      : { workforcePoolUserProject: parsed.workforce_pool_user_project }),
  };
}
