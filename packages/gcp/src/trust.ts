/**
 * `gcpTrustConfig`: the Google-side trust for a site issuer in ONE deploy context, as data, `gcloud` commands and
 * REST JSON. Pure: it computes, it calls nothing.
 *
 * Google scopes a federated principal to the workload identity POOL: any provider of a pool can produce any
 * `principal://…/subject/<s>` of that pool. So the trust is built so that no other key can become these
 * principals: the pool is this (site, context)'s own by default ({@link gcpPoolId}), the provider's condition
 * pins the subject prefix `site:<id>:context:<ctx>:` together with the site and context claims, and the binding
 * names the exact principal of each function (never a `principalSet`).
 *
 * @packageDocumentation
 */
import { checkGcpId, gcpPoolId } from "./pool.js";
import {
  DEFAULT_UNIVERSE,
  parseProviderName,
  principalForSubject,
  workloadIdentityProvider,
} from "./resource.js";

/** Input of {@link gcpTrustConfig}. @public */
export interface GcpTrustConfigInput {
  /** Project id (for `gcloud --project`) and project number (for resource names). */
  readonly projectId: string;
  readonly projectNumber: string;
  /**
   * The pool. Default {@link gcpPoolId}`(pin.site, pin.context)`: this site's own pool for this deploy context.
   * Any other pool is only as strong as the weakest provider in it (see `docs/gcp.md`).
   */
  readonly poolId?: string;
  readonly providerId: string;
  /** The issuer URI; must equal the tokens' `iss` exactly (one issuer per deploy context). */
  readonly issuerUri: string;
  /** Allowed audiences (at most 10). Default none: Google then accepts the provider's resource name. */
  readonly allowedAudiences?: readonly string[];
  /** Upload the issuer's JWKS instead of letting Google fetch it (issuers Google cannot reach). */
  readonly jwks?: { readonly keys: readonly Record<string, unknown>[] };
  /**
   * What to pin: the site, its ONE deploy context, and the functions whose exact principals are bound. The
   * condition also pins the subject prefix `site:<site>:context:<context>:`.
   */
  readonly pin: {
    readonly site: string;
    readonly context: string;
    readonly function: string | readonly string[];
  };
  /** Claim names of the pinned values in the token. Default `site_id`, `context`, `function`. */
  readonly claims?: { readonly site?: string; readonly context?: string; readonly function?: string };
  /** Service account the federated identities may impersonate (`roles/iam.workloadIdentityUser`). */
  readonly serviceAccount?: string;
  /** Display names (Google limits them to 32 characters). */
  readonly poolDisplayName?: string;
  readonly providerDisplayName?: string;
  /** Defaults to `googleapis.com`. */
  readonly universeDomain?: string;
}

/** Result of {@link gcpTrustConfig}. @public */
export interface GcpTrustConfig {
  /** The STS audience (`//iam.googleapis.com/projects/…/providers/…`). */
  readonly workloadIdentityProvider: string;
  /** The pool the provider and the principals live in. */
  readonly poolId: string;
  /** The `aud` the subject token should carry (the `https:` form, accepted by default). */
  readonly subjectAudience: string;
  readonly issuerUri: string;
  readonly allowedAudiences: readonly string[];
  /** The site and deploy context this trust is for, and the subject prefix its condition pins. */
  readonly pin: { readonly site: string; readonly context: string; readonly subjectPrefix: string };
  readonly attributeMapping: Readonly<Record<string, string>>;
  readonly attributeCondition: string;
  /** The exact principals granted `roles/iam.workloadIdentityUser` (or your resource roles): one per function. */
  readonly members: readonly string[];
  readonly serviceAccountBinding?: {
    readonly serviceAccount: string;
    readonly role: string;
    readonly members: readonly string[];
  };
  /** Shell commands, in order; a `jwks.json` file next to them when `jwks` is given. */
  readonly gcloud: readonly string[];
  /** REST bodies: `workloadIdentityPools.create`, `providers.create` and the policy binding. */
  readonly json: {
    readonly pool: Record<string, unknown>;
    readonly provider: Record<string, unknown>;
    readonly binding?: { readonly role: string; readonly members: readonly string[] };
  };
  /** The external_account JSON a Google client library would use (fedkit supplies the token itself). */
  readonly credentialConfig: Record<string, unknown>;
}

const CEL_STRING = (value: string): string => JSON.stringify(value);

function clause(claim: string, values: readonly string[]): string {
  if (values.length === 0) throw new TypeError(`gcpTrustConfig: no value to pin for claim "${claim}"`);
  return values.length === 1
    ? `assertion.${claim} == ${CEL_STRING(values[0]!)}`
    : `assertion.${claim} in [${values.map(CEL_STRING).join(", ")}]`;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** The subject prefix every subject of a site in a deploy context starts with (the site issuer's grammar). */
function subjectPrefix(site: string, context: string): string {
  for (const [what, value] of Object.entries({ site, context })) {
    if (value === "" || /[:*?\s]/.test(value))
      throw new TypeError(`gcpTrustConfig: pin.${what} must be non-empty, without ':', '*', '?' or spaces`);
  }
  return `site:${site}:context:${context}:`;
}

/**
 * Computes the workload identity pool, provider and service-account binding that trust a site issuer in one
 * deploy context: the condition pins site, context, the subject prefix and the functions; the binding names
 * each function's exact principal.
 *
 * @example
 * ```ts
 * const trust = gcpTrustConfig({
 *   projectId: "my-project", projectNumber: "123456789012", providerId: "reports",
 *   issuerUri: "https://example.com/oidc/production",
 *   pin: { site: "abc123", context: "production", function: "read-report" },
 *   serviceAccount: "reader@my-project.iam.gserviceaccount.com",
 * });
 * console.log(trust.poolId, trust.gcloud.join("\n")); // "fk-…" (this site's production pool), the commands
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
  const { site, context } = input.pin;
  if (typeof context !== "string")
    throw new TypeError("gcpTrustConfig: pin.context is one deploy context (each has its own pool)");
  const prefix = subjectPrefix(site, context);
  const functions = [input.pin.function].flat();
  if (functions.length === 0)
    throw new TypeError("gcpTrustConfig: pin.function names at least one function (bindings are exact)");
  const poolId = checkGcpId("pool", input.poolId ?? gcpPoolId(site, context));
  const universe = input.universeDomain ?? DEFAULT_UNIVERSE;
  const resource = workloadIdentityProvider({
    projectNumber: input.projectNumber,
    poolId,
    providerId: checkGcpId("provider", input.providerId),
    universeDomain: universe,
  });
  const provider = parseProviderName(resource);
  const attributeMapping: Record<string, string> = {
    "google.subject": "assertion.sub",
    "attribute.site": `assertion.${claims.site}`,
    "attribute.context": `assertion.${claims.context}`,
    "attribute.function": `assertion.${claims.function}`,
  };
  const attributeCondition = [
    clause(claims.site, [site]),
    clause(claims.context, [context]),
    // The subject is the principal: pin it too, or a token passing the claim checks could name any subject.
    `assertion.sub.startsWith(${CEL_STRING(prefix)})`,
    clause(claims.function, functions),
  ].join(" && ");
  // Google's limit on an attribute condition (IAM v1 WorkloadIdentityPoolProvider.attributeCondition).
  if (attributeCondition.length > 4096)
    throw new TypeError(
      `gcpTrustConfig: the attribute condition is ${attributeCondition.length} characters; Google allows 4096. Map fewer functions to this target.`,
    );
  const members = functions.map((name) => principalForSubject(provider, `${prefix}function:${name}`));
  const role = "roles/iam.workloadIdentityUser";
  const project = `--project=${shellQuote(input.projectId)}`;
  const where = `--location=global --workload-identity-pool=${shellQuote(poolId)}`;
  const mapping = Object.entries(attributeMapping)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const poolDisplayName = (input.poolDisplayName ?? `fedkit ${context}`).slice(0, 32);
  const poolDescription = `fedkit: Netlify site ${site}, deploy context ${context} only. Add no other provider.`;
  const providerDisplayName = (input.providerDisplayName ?? input.providerId).slice(0, 32);
  const gcloud = [
    `gcloud iam workload-identity-pools create ${shellQuote(poolId)} ${project} --location=global --display-name=${shellQuote(poolDisplayName)} --description=${shellQuote(poolDescription)}`,
    [
      `gcloud iam workload-identity-pools providers create-oidc ${shellQuote(input.providerId)} ${project} ${where}`,
      `--display-name=${shellQuote(providerDisplayName)}`,
      `--issuer-uri=${shellQuote(input.issuerUri)}`,
      ...(allowedAudiences.length > 0
        ? [`--allowed-audiences=${shellQuote(allowedAudiences.join(","))}`]
        : []),
      `--attribute-mapping=${shellQuote(mapping)}`,
      `--attribute-condition=${shellQuote(attributeCondition)}`,
      ...(input.jwks ? ["--jwk-json-path=jwks.json"] : []),
    ].join(" \\\n    "),
    ...(input.serviceAccount
      ? members.map(
          (member) =>
            `gcloud iam service-accounts add-iam-policy-binding ${shellQuote(input.serviceAccount!)} ${project} --role=${role} --member=${shellQuote(member)}`,
        )
      : []),
  ];
  return {
    workloadIdentityProvider: resource,
    poolId,
    subjectAudience: `https:${resource}`,
    issuerUri: input.issuerUri,
    allowedAudiences,
    pin: { site, context, subjectPrefix: prefix },
    attributeMapping,
    attributeCondition,
    members,
    ...(input.serviceAccount
      ? { serviceAccountBinding: { serviceAccount: input.serviceAccount, role, members } }
      : {}),
    gcloud,
    json: {
      pool: { displayName: poolDisplayName, description: poolDescription },
      provider: {
        displayName: providerDisplayName,
        attributeMapping,
        attributeCondition,
        oidc: {
          issuerUri: input.issuerUri,
          ...(allowedAudiences.length > 0 ? { allowedAudiences } : {}),
          ...(input.jwks ? { jwksJson: JSON.stringify(input.jwks) } : {}),
        },
      },
      ...(input.serviceAccount ? { binding: { role, members } } : {}),
    },
    credentialConfig: {
      type: "external_account",
      audience: resource,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `https://sts.${universe}/v1/token`,
      ...(input.serviceAccount
        ? {
            service_account_impersonation_url: `https://iamcredentials.${universe}/v1/projects/-/serviceAccounts/${input.serviceAccount}:generateAccessToken`,
          }
        : {}),
      universe_domain: universe,
    },
  };
}
