import {
  type AuditSink,
  type Clock,
  type CredentialCache,
  FederationError,
  type FederationErrorCode,
  type FederationErrorDetails,
  type FederationLimits,
  type FetchLike,
  type RandomSource,
  type SubjectTokenSource,
} from "@fedkit/core";
import type { SubjectForm } from "@fedkit/issuer";
import type { CloudPlugin } from "./clouds/types.js";

/**
 * A cloud target a function may be mapped to. `cloud` names the plugin in {@link FedkitConfig.clouds} that
 * serves it (`awsCloud` from `@fedkit/netlify/aws`, `gcpCloud`, `azureCloud`, or your own); the other fields
 * are the plugin's own.
 * @public
 */
export interface TargetConfig {
  readonly cloud: string;
  /** The subject form the site issuer mints for this target. Default: the plugin's (`function`; Azure `site`). */
  readonly subject?: SubjectForm;
  /** Overrides the audience the plugin would use. */
  readonly audience?: string;
  /** Longest credential lifetime in seconds; a function mapping may lower it. */
  readonly durationSeconds?: number;
  /** Any core token source instead of the site issuer (a workload token from an IdP, ...). */
  readonly source?: SubjectTokenSource;
  /**
   * The deploy context whose issuer this target's cloud identity (role, app, service account) trusts: what
   * `trustPolicyFor` was run with. Default `production`; GCP pools are per context anyway. A refusal of a token
   * from another context is then reported as the isolation working, never as a trust to widen.
   */
  readonly trustContext?: string;
  readonly [option: string]: unknown;
}

/** What one function may use of one target. @public */
export interface TargetGrant {
  /** Caps the credentials' lifetime for this function (seconds). */
  readonly maxDurationSeconds?: number;
  /**
   * `function` (default): tokens speak for the function; `user`: only for a verified end user (`fedkit.asUser`).
   * `user` needs a target without its own `source`: only the site issuer mints a token per user.
   */
  readonly identity?: "function" | "user";
}

/** A verified end user, known to fedkit only by a hash of their issuer and `sub`. @public */
export interface VerifiedUser {
  readonly hash: string;
}

/** Verifies end users' bearer tokens; made by `userIdp(...)`. @public */
export interface UserVerifier {
  readonly issuer: string;
  verify(request: Request, runtime?: RuntimeOptions): Promise<VerifiedUser>;
}

/** The end users' IdP, for per-user federation (see `userIdp`). @public */
export interface UserIdpOptions {
  /** The IdP's issuer (`https://tenant.eu.auth0.com/`). */
  readonly issuer: string;
  /** The audience your API's access tokens carry (never a cloud audience). */
  readonly audience: string;
  /** The IdP's JWKS URL. */
  readonly jwksUri: string;
  /** Default `["RS256", "ES256"]`. */
  readonly algorithms?: readonly string[];
  /** Oldest user token accepted, in seconds since its `iat` (a token without `iat` is then refused). */
  readonly maxTokenAge?: number;
}

/**
 * The fedkit configuration of a site: one source for the runtime guardrails and the cloud-side trust
 * (`trustPolicyFor` in `@fedkit/netlify/trust`), so the two cannot drift.
 *
 * @example
 * ```ts
 * import { awsCloud } from "@fedkit/netlify/aws";
 *
 * export default {
 *   siteId: "5b0c2a71-...",
 *   siteUrl: "https://reports.example.com",
 *   clouds: { aws: awsCloud },
 *   targets: { reports: { cloud: "aws", roleArn: "arn:aws:iam::123456789012:role/reports-reader", region: "eu-west-1" } },
 *   functions: { report: { reports: { maxDurationSeconds: 900 } } },
 * } satisfies FedkitConfig;
 * ```
 * @public
 */
export interface FedkitConfig {
  /** Netlify's site id; checked against `context.site.id` when Netlify provides it. */
  readonly siteId: string;
  /** The production origin; the issuers are `<siteUrl>/oidc/<context>`. Overridden by `FEDKIT_SITE_URL`. */
  readonly siteUrl: string;
  readonly targets: Readonly<Record<string, TargetConfig>>;
  /** Function name → the targets it may use. Anything else is refused with `policy_refused`. */
  readonly functions: Readonly<Record<string, Readonly<Record<string, TargetGrant>>>>;
  /** Per-user federation: `userIdp({ issuer, audience, jwksUri })`. */
  readonly users?: UserVerifier;
  /**
   * The cloud plugins the targets use, by `cloud` name: `{ aws: awsCloud }` with
   * `import { awsCloud } from "@fedkit/netlify/aws"` (likewise `/gcp`, `/azure`). Only the plugins named here are
   * bundled into a function; a target whose cloud has none fails with a `config` error naming the import.
   */
  readonly clouds?: Readonly<Record<string, CloudPlugin>>;
  /** The secret key-set variable. Default `FEDKIT_ISSUER_KEYS`. */
  readonly keysVariable?: string;
  /** The public keys of the other contexts, served by the production deploy. Default `FEDKIT_ISSUER_PUBLIC_KEYS`. */
  readonly publicKeysVariable?: string;
  /** Token lifetime, at most 300 s (default). */
  readonly tokenLifetimeSeconds?: number;
  /** Show FederationError hints in error responses (off: only code and request id). */
  readonly exposeErrorDetails?: boolean;
  /** Runtime injection, mainly for tests. */
  readonly runtime?: RuntimeOptions;
}

/** Injected runtime pieces; each defaults to the platform's. @public */
export interface RuntimeOptions {
  readonly env?: (name: string) => string | undefined;
  readonly fetch?: FetchLike;
  readonly now?: Clock;
  readonly random?: RandomSource;
  readonly cache?: CredentialCache;
  readonly audit?: AuditSink;
  /**
   * Bounds of the isolate's tables: `cacheMaxEntries` (default memory cache, default 1000) and `userSources`
   * (per-user token sources kept per deploy context, default 512). Past either, the least recently created
   * goes, its user's next call mints or exchanges again, and a `cache_eviction` audit event says so.
   */
  readonly limits?: FederationLimits & { readonly userSources?: number };
}

/**
 * A `FederationError` of the Netlify layer: `config` unless `code` says otherwise. One constructor call for every
 * refusal of this package, so the bundle carries the error's shape once.
 * @internal
 */
export function netlifyError(
  message: string,
  hint: string,
  code: FederationErrorCode = "config",
  subject?: FederationErrorDetails["subject"],
): FederationError {
  return new FederationError(code, `fedkit: ${message}`, { provider: "netlify", hint, subject });
}

/**
 * The `config` error of a per-user grant on a target with its own source. Such a source yields the same workload
 * token whoever the user is, so every user would share (and be served from cache) one identity's credentials;
 * the binding refuses it before any exchange.
 * @internal
 */
export function userSourceConflict(functionName: string, targetName: string): FederationError {
  return netlifyError(
    `functions["${functionName}"]["${targetName}"] asks for identity "user", but targets["${targetName}"] has its own \`source\`.`,
    `Remove \`source\` from targets["${targetName}"], or grant identity "function".`,
  );
}
