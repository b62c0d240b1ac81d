/**
 * Options of the GCP providers.
 *
 * @packageDocumentation
 */
/**
 * How {@link gcpProvider} reaches Google: which workload identity provider, whether to impersonate a service
 * account, which scopes, and (for the emulator or a private endpoint) which hosts.
 * @public
 */
export interface GcpProviderOptions {
  /**
   * Full resource name of the workload identity pool provider, the STS `audience`:
   * `//iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`.
   * Or give `projectNumber`, `poolId` and `providerId`, or spread `fromExternalAccount(json)` into the options.
   */
  readonly audience?: string;
  /** Project number (digits, not the project id) of the pool. */
  readonly projectNumber?: string;
  /** Workload identity pool id. */
  readonly poolId?: string;
  /** Provider id inside the pool. */
  readonly providerId?: string;
  /**
   * Service account to impersonate with IAM Credentials `generateAccessToken` after the STS exchange (a second
   * round trip). Without it the federated token itself is returned (one round trip); grant the federated
   * principal the roles directly then.
   */
  readonly serviceAccount?: string;
  /** OAuth scopes of the final token. Default `["https://www.googleapis.com/auth/cloud-platform"]`. */
  readonly scopes?: readonly string[];
  /**
   * Lifetime of the impersonated token in seconds, 1..43200, default 3600. Above 3600 Google requires the
   * `constraints/iam.allowServiceAccountCredentialLifetimeExtension` organization policy.
   */
  readonly lifetimeSeconds?: number;
  /** Delegation chain for impersonation: service account emails, each holding Token Creator on the next. */
  readonly delegates?: readonly string[];
  /** How STS is told to read the subject token: `jwt` (default) or `id_token`. Both are OIDC JWTs. */
  readonly subjectTokenType?: "jwt" | "id_token";
  /**
   * The `aud` the subject token must carry. Default: the provider's resource name with the `https:` prefix,
   * which Google accepts when the provider has no allowed-audiences list.
   */
  readonly subjectAudience?: string;
  /** The workforce pool user project (workforce pools only), sent as STS `options.userProject`. */
  readonly workforcePoolUserProject?: string;
  /** Google universe domain, default `googleapis.com`. Any other needs `allowCustomEndpoint`. */
  readonly universeDomain?: string;
  /** STS token URL, default `https://sts.<universe>/v1/token`. An origin alone gets `/v1/token` appended. */
  readonly stsEndpoint?: string;
  /** IAM Credentials origin, default `https://iamcredentials.<universe>`. */
  readonly iamCredentialsEndpoint?: string;
  /**
   * Allows endpoints outside Google's official hosts (the emulator on loopback, another universe). Without it a
   * token never leaves for a host that is not Google's.
   */
  readonly allowCustomEndpoint?: boolean;
}

/** Options of {@link gcpIdTokenProvider}. @public */
export interface GcpIdTokenProviderOptions extends Omit<GcpProviderOptions, "scopes" | "lifetimeSeconds"> {
  /** The service account whose identity the ID token asserts; required for ID tokens. */
  readonly serviceAccount: string;
  /** The `aud` of the ID token: the Cloud Run service URL, or the IAP OAuth client id. */
  readonly targetAudience: string;
  /** Adds `email` and `email_verified` claims (IAP needs them). Default true. */
  readonly includeEmail?: boolean;
}
