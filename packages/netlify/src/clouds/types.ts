import type { Credentials, FetchLike, Provider } from "@fedkit/core";
import type { MintRequest, SubjectForm } from "@fedkit/issuer";
import type { TargetConfig } from "../config.js";

/**
 * Where the site runs: its id and the deploy context of the running issuer. A plugin whose cloud scopes trust by
 * something other than the role (GCP: the workload identity pool) picks the context's own resources from it.
 * @public
 */
export interface DeployScope {
  readonly siteId: string;
  readonly context: string;
}

/** A target's name where the site runs. @public */
export interface TargetScope extends DeployScope {
  readonly targetName: string;
}

/** What the adapter hands a plugin when it builds a provider. @public */
export interface ProviderInput<T extends TargetConfig = TargetConfig> extends TargetScope {
  readonly target: T;
  /** The credential lifetime after the function mapping's cap. */
  readonly durationSeconds: number | undefined;
  readonly env: (name: string) => string | undefined;
}

/** Who a minted token speaks for, so a plugin can add cloud-specific claims (AWS session tags). @public */
export interface MintInput {
  readonly siteId: string;
  readonly context: string;
  readonly functionName: string;
  /** The hashed end-user id under per-user federation. */
  readonly user?: string;
}

/**
 * What a trust generator ({@link CloudPlugin.trustPolicy}, or a built-in one of `@fedkit/netlify/trust`) gets:
 * everything is derived from the fedkit config.
 * @public
 */
export interface TrustInput<T extends TargetConfig = TargetConfig> {
  readonly target: T;
  readonly targetName: string;
  readonly issuer: string;
  /** The issuer without scheme, as IAM condition keys spell it. */
  readonly issuerHostPath: string;
  readonly audience: string;
  /** Exact subjects allowed. */
  readonly subjects: readonly string[];
  /** Subject patterns (`...:user:*`) for per-user mappings. */
  readonly subjectPatterns: readonly string[];
  /** Names of the functions mapped to the target with the `function` identity (GCP pins them in its condition). */
  readonly functions: readonly string[];
  readonly context: string;
  readonly siteId: string;
}

/** A credential getter bound to one request (correlation id, scheduler and source already applied). @public */
export interface BoundCredentials {
  getCredentials<C extends Credentials>(
    provider: Provider<C>,
    options?: { signal?: AbortSignal; correlationId?: string },
  ): Promise<C>;
}

/**
 * How a cloud plugs into the adapter without changes to it: the audience its tokens carry, its provider and the
 * client handed to handlers. fedkit's own plugins carry no trust generator (`trustPolicyFor` in
 * `@fedkit/netlify/trust` knows theirs by `cloud`), so edge functions never ship one; a custom cloud may bring its own.
 * @public
 */
export interface CloudPlugin<T extends TargetConfig = TargetConfig, Client = unknown> {
  readonly cloud: string;
  /** The subject form of targets that set none. Default `function`; Azure's is `site` (20 credentials per app). */
  readonly defaultSubject?: SubjectForm;
  /** The `aud` of the tokens minted for the target when the site runs in `scope` (a GCP pool is per context). */
  audience(target: T, scope: TargetScope): string;
  provider(input: ProviderInput<T>): Provider;
  client(credentials: BoundCredentials, provider: Provider, input: { target: T; fetch?: FetchLike }): Client;
  /** Extra mint options (AWS session tags); default none. */
  mintOptions?(target: T, input: MintInput): Partial<Pick<MintRequest, "claims">>;
  /** Claims this cloud adds through {@link CloudPlugin.mintOptions}, advertised in the issuer's discovery. */
  readonly claimsSupported?: readonly string[];
  /**
   * The cloud-side trust document for a target, used by `trustPolicyFor` (`@fedkit/netlify/trust`) before its
   * built-in generator for `cloud`. Optional: leave it out of plugins that edge functions import, and generate the
   * trust where it is set up.
   */
  trustPolicy?(input: TrustInput<T>): unknown;
  /**
   * The deploy context whose issuer the target's cloud-side trust accepts when the site runs in `scope`, so a
   * refusal can be told apart from the deploy-context isolation working. Default: the target's `trustContext`,
   * else `production` (what `trustPolicyFor` generates by default). GCP answers the running context: each
   * context has its own pool.
   */
  trustContext?(target: T, scope: TargetScope): string;
  /** What the cloud calls the thing that holds the trust (`IAM role`, `app registration`), for hints. */
  readonly trustHolder?: string;
}
