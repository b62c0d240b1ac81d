/**
 * `gcpTrustConfig`: the Google-side trust for a site issuer, as data, `gcloud` commands and REST JSON.
 * Pure: it computes, it calls nothing.
 *
 * @packageDocumentation
 */
import {
  DEFAULT_UNIVERSE,
  parseProviderName,
  principalForSubject,
  principalSetForAttribute,
  workloadIdentityProvider,
} from "./resource.js";

/** Input of {@link gcpTrustConfig}. @public */
export interface GcpTrustConfigInput {
  /** Project id (for `gcloud --project`) and project number (for resource names). */
  readonly projectId: string;
  readonly projectNumber: string;
  readonly poolId: string;
  readonly providerId: string;
  /** The issuer URI; must equal the tokens' `iss` exactly (one issuer per deploy context). */
  readonly issuerUri: string;
  /** Allowed audiences (at most 10). Default none: Google then accepts the provider's resource name. */
  readonly allowedAudiences?: readonly string[];
  /** Upload the issuer's JWKS instead of letting Google fetch it (issuers Google cannot reach). */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  /** What to pin. Each value becomes `attribute.<name>` and a clause of the attribute condition. */
  readonly pin: {
    readonly site: string;
    readonly context: string | readonly string[];
    readonly function?: string | readonly string[];
  };
  /** Claim names of the pinned values in the token. Default `site_id`, `context`, `function`. */
  readonly claims?: { readonly site?: string; readonly context?: string; readonly function?: string };
  /** Service account the federated identities may impersonate (`roles/iam.workloadIdentityUser`). */
  readonly serviceAccount?: string;
  /** Display names (gcloud limits them to 32 characters). */
  readonly poolDisplayName?: string;
  readonly providerDisplayName?: string;
  /** Defaults to `googleapis.com`. */
  readonly universeDomain?: string;
}

/** Result of {@link gcpTrustConfig}. @public */
export interface GcpTrustConfig {
  /** The STS audience (`//iam.googleapis.com/projects/…/providers/…`). */
  readonly workloadIdentityProvider: string;
  /** The `aud` the subject token should carry (the `https:` form, accepted by default). */
  readonly subjectAudience: string;
  readonly issuerUri: string;
  readonly allowedAudiences: readonly string[];
  readonly attributeMapping: Readonly<Record<string, string>>;
  readonly attributeCondition: string;
  /** The member granted `roles/iam.workloadIdentityUser` on the service account. */
  readonly member: string;
  readonly serviceAccountBinding?: {
    readonly serviceAccount: string;
    readonly role: string;
    readonly member: string;
  };
  /** Shell commands, in order; a `jwks.json` file next to them when `jwks` is given. */
  readonly gcloud: readonly string[];
  /** REST bodies: `workloadIdentityPools.providers.create` and the policy binding. */
  readonly json: {
    readonly pool: Record<string, unknown>;
    readonly provider: Record<string, unknown>;
    readonly binding?: { readonly role: string; readonly members: readonly string[] };
  };
  /** The external_account JSON a Google client library would use (fedkit supplies the token itself). */
  readonly credentialConfig: Record<string, unknown>;
}

const CEL_STRING = (value: string): string => JSON.stringify(value);

function list(value: string | readonly string[]): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

function clause(claim: string, values: readonly string[]): string {
  if (values.length === 0) throw new TypeError(`gcpTrustConfig: no value to pin for claim "${claim}"`);
  return values.length === 1
    ? `assertion.${claim} == ${CEL_STRING(values[0]!)}`
    : `assertion.${claim} in [${values.map(CEL_STRING).join(", ")}]`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/**
 * Computes the workload identity pool provider and the service-account binding that trust a site issuer,
 * pinning site, deploy context and (optionally) function in the attribute condition.
 *
 * @example
 * ```ts
 * const trust = gcpTrustConfig({
 *   projectId: "my-project", projectNumber: "123456789012", poolId: "netlify", providerId: "my-site-prod",
 *   issuerUri: "https://example.com/oidc/production",
 *   pin: { site: "abc123", context: "production", function: "read-report" },
 *   serviceAccount: "reader@my-project.iam.gserviceaccount.com",
 * });
 * console.log(trust.gcloud.join("\n"));
 * ```
 * @public
 */
export function gcpTrustConfig(input: GcpTrustConfigInput): GcpTrustConfig {
  const claims = { site: "site_id", context: "context", function: "function", ...input.claims };
  for (const name of Object.values(claims)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new TypeError(`gcpTrustConfig: claim name "${name}" is not a CEL identifier`);
  }
  const allowedAudiences = [...(input.allowedAudiences ?? [])];
  if (allowedAudiences.length > 10)
    throw new TypeError("gcpTrustConfig: Google allows at most 10 allowed audiences");
  const resource = workloadIdentityProvider({
    ...input,
    universeDomain: input.universeDomain ?? DEFAULT_UNIVERSE,
  });
  const provider = parseProviderName(resource);
  const functions = input.pin.function === undefined ? [] : list(input.pin.function);
  const contexts = list(input.pin.context);
  const attributeMapping: Record<string, string> = {
    "google.subject": "assertion.sub",
    "attribute.site": `assertion.${claims.site}`,
    "attribute.context": `assertion.${claims.context}`,
    ...(functions.length > 0 ? { "attribute.function": `assertion.${claims.function}` } : {}),
  };
  const attributeCondition = [
    clause(claims.site, [input.pin.site]),
    clause(claims.context, contexts),
    ...(functions.length > 0 ? [clause(claims.function, functions)] : []),
  ].join(" && ");
  // One function in one context is one subject; otherwise every identity of the site that passed the condition.
  const member =
    functions.length === 1 && contexts.length === 1
      ? principalForSubject(
          provider,
          `site:${input.pin.site}:context:${contexts[0]}:function:${functions[0]}`,
        )
      : principalSetForAttribute(provider, "site", input.pin.site);
  const role = "roles/iam.workloadIdentityUser";
  const project = `--project=${shellQuote(input.projectId)}`;
  const where = `--location=global --workload-identity-pool=${shellQuote(input.poolId)}`;
  const mapping = Object.entries(attributeMapping)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const gcloud = [
    `gcloud iam workload-identity-pools create ${shellQuote(input.poolId)} ${project} --location=global --display-name=${shellQuote((input.poolDisplayName ?? input.poolId).slice(0, 32))}`,
    [
      `gcloud iam workload-identity-pools providers create-oidc ${shellQuote(input.providerId)} ${project} ${where}`,
      `--display-name=${shellQuote((input.providerDisplayName ?? input.providerId).slice(0, 32))}`,
      `--issuer-uri=${shellQuote(input.issuerUri)}`,
      ...(allowedAudiences.length > 0
        ? [`--allowed-audiences=${shellQuote(allowedAudiences.join(","))}`]
        : []),
      `--attribute-mapping=${shellQuote(mapping)}`,
      `--attribute-condition=${shellQuote(attributeCondition)}`,
      ...(input.jwks ? ["--jwk-json-path=jwks.json"] : []),
    ].join(" \\\n    "),
    ...(input.serviceAccount
      ? [
          `gcloud iam service-accounts add-iam-policy-binding ${shellQuote(input.serviceAccount)} ${project} --role=${role} --member=${shellQuote(member)}`,
        ]
      : []),
  ];
  const serviceAccountBinding = input.serviceAccount
    ? { serviceAccount: input.serviceAccount, role, member }
    : undefined;
  return {
    workloadIdentityProvider: resource,
    subjectAudience: `https:${resource}`,
    issuerUri: input.issuerUri,
    allowedAudiences,
    attributeMapping,
    attributeCondition,
    member,
    ...(serviceAccountBinding ? { serviceAccountBinding } : {}),
    gcloud,
    json: {
      pool: { displayName: (input.poolDisplayName ?? input.poolId).slice(0, 32) },
      provider: {
        displayName: (input.providerDisplayName ?? input.providerId).slice(0, 32),
        attributeMapping,
        attributeCondition,
        oidc: {
          issuerUri: input.issuerUri,
          ...(allowedAudiences.length > 0 ? { allowedAudiences } : {}),
          ...(input.jwks ? { jwksJson: JSON.stringify(input.jwks) } : {}),
        },
      },
      ...(input.serviceAccount ? { binding: { role, members: [member] } } : {}),
    },
    credentialConfig: {
      type: "external_account",
      audience: resource,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `https://sts.${input.universeDomain ?? DEFAULT_UNIVERSE}/v1/token`,
      ...(input.serviceAccount
        ? {
            service_account_impersonation_url: `https://iamcredentials.${input.universeDomain ?? DEFAULT_UNIVERSE}/v1/projects/-/serviceAccounts/${input.serviceAccount}:generateAccessToken`,
          }
        : {}),
      universe_domain: input.universeDomain ?? DEFAULT_UNIVERSE,
    },
  };
}
