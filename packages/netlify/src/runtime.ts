import {
  type Credentials,
  createFederation,
  type Federation,
  FederationError,
  type Provider,
  type Scheduler,
  type SubjectTokenSource,
} from "@fedkit/core";
import { evictionAudit } from "@fedkit/core/audit";
import {
  createSiteIssuer,
  importIssuerKeySet,
  type SiteIssuer,
  siteIssuerSource,
  subjectFor,
  userSubject,
} from "@fedkit/issuer";
import { resolveTarget } from "./clouds/registry.js";
import type { BoundCredentials, CloudPlugin } from "./clouds/types.js";
import {
  assertUserGrants,
  type FedkitConfig,
  type TargetConfig,
  userSourceConflict,
  type VerifiedUser,
} from "./config.js";
import { isolationRefusal } from "./context-refusal.js";
import { type Caller, cappedDuration, checkGrant } from "./guardrails.js";
import { platformEnv } from "./platform.js";

/** What the adapter knows about the platform request. @public */
export interface PlatformRequest {
  /** The function's name as mapped in `config.functions`. */
  readonly functionName: string;
  /** Netlify's `context.requestId`; audit events carry it as `correlationId`. */
  readonly requestId?: string;
  /** Netlify's `context.waitUntil`. */
  readonly waitUntil?: Scheduler;
  readonly siteId?: string;
  /** Netlify's `context.deploy.context` (`production`, `deploy-preview`, `branch-deploy`, `dev`). */
  readonly deployContext?: string;
  readonly deployId?: string;
}

/** The per-request handle a wrapped handler receives. @public */
export interface Fedkit {
  readonly requestId: string;
  /** The deploy context the site issuer runs as. */
  readonly context: string;
  readonly issuer: string;
  readonly functionName: string;
  /** The verified end user's hashed id, on handles returned by {@link Fedkit.asUser}. */
  readonly userHash?: string;
  /** The cloud client of a mapped target (AWS: a SigV4 `fetch`). Refuses unmapped targets (`policy_refused`). */
  client<C = unknown>(target: string): C;
  /** Raw credentials of a mapped target. */
  credentials<C extends Credentials = Credentials>(
    target: string,
    options?: { signal?: AbortSignal },
  ): Promise<C>;
  /** Verifies the request's bearer token from the site's IdP and returns a handle acting for that user. */
  asUser(request: Request): Promise<Fedkit>;
  readonly federation: Federation;
}

interface IsolateState {
  readonly issuer: SiteIssuer;
  readonly federation: Federation;
  readonly providers: Map<string, Provider>;
  readonly sources: Map<string, SubjectTokenSource>;
  /** Bound of `sources`, and what reports an eviction past it. */
  readonly maxSources: number;
  readonly evictedSource: () => void;
  readonly env: (name: string) => string | undefined;
}

const states = new WeakMap<FedkitConfig, Map<string, IsolateState>>();

/** The deploy context to run as: Netlify's, or `FEDKIT_CONTEXT` when Netlify says `dev` or nothing. @internal */
export function resolveContext(
  deployContext: string | undefined,
  env: (name: string) => string | undefined,
): string {
  if (deployContext !== undefined && deployContext !== "" && deployContext !== "dev") return deployContext;
  return env("FEDKIT_CONTEXT") ?? (deployContext || "dev");
}

function isolateState(config: FedkitConfig, platform: PlatformRequest): IsolateState {
  const env = config.runtime?.env ?? platformEnv;
  const context = resolveContext(platform.deployContext, env);
  let byContext = states.get(config);
  if (byContext === undefined) {
    byContext = new Map();
    states.set(config, byContext);
  }
  let state = byContext.get(context);
  if (state !== undefined) return state;
  assertUserGrants(config);
  if (platform.siteId && platform.siteId !== config.siteId) {
    throw new FederationError(
      "config",
      `fedkit: config.siteId does not match this site (${platform.siteId}).`,
      {
        provider: "netlify",
        hint: "Set siteId in the fedkit config to this site's id (Site configuration > Site details), then regenerate trust policies.",
      },
    );
  }
  const variable = config.keysVariable ?? "FEDKIT_ISSUER_KEYS";
  const issuer = createSiteIssuer({
    siteUrl: env("FEDKIT_SITE_URL") ?? config.siteUrl,
    siteId: config.siteId,
    context,
    keys: () => importIssuerKeySet(env(variable), variable, context),
    ...(config.tokenLifetimeSeconds === undefined ? {} : { lifetimeSeconds: config.tokenLifetimeSeconds }),
    ...(platform.deployId ? { deployId: platform.deployId } : {}),
    ...(config.runtime?.now ? { now: config.runtime.now } : {}),
    ...(config.runtime?.random ? { random: config.runtime.random } : {}),
  });
  const runtime = config.runtime ?? {};
  const federation = createFederation({
    labels: { site: config.siteId, context },
    ...(runtime.audit ? { audit: runtime.audit } : {}),
    ...(runtime.cache ? { cache: runtime.cache } : {}),
    ...(runtime.fetch ? { fetch: runtime.fetch } : {}),
    ...(runtime.now ? { now: runtime.now } : {}),
    ...(runtime.random ? { random: runtime.random } : {}),
    ...(runtime.limits ? { limits: runtime.limits } : {}),
  });
  const maxSources = runtime.limits?.userSources ?? 512;
  if (!Number.isInteger(maxSources) || maxSources < 1)
    throw new TypeError(`fedkit: runtime.limits.userSources must be an integer >= 1, got ${maxSources}`);
  const evictedSource = evictionAudit({
    audit: federation.audit,
    table: "user-sources",
    max: maxSources,
    labels: { site: config.siteId, context },
    ...(runtime.now ? { now: runtime.now } : {}),
  });
  state = { issuer, federation, providers: new Map(), sources: new Map(), maxSources, evictedSource, env };
  byContext.set(context, state);
  return state;
}

/**
 * Builds (once per isolate and deploy context) the site issuer and the federation, checks that the key set
 * loads, and returns the request's handle. Errors are `FederationError`s (`config` for a missing or malformed
 * key set), never crashes.
 * @public
 */
export async function fedkitFor(config: FedkitConfig, platform: PlatformRequest): Promise<Fedkit> {
  const state = isolateState(config, platform);
  await state.issuer.keySet();
  return handle(config, state, platform, undefined);
}

function handle(
  config: FedkitConfig,
  state: IsolateState,
  platform: PlatformRequest,
  user: VerifiedUser | undefined,
): Fedkit {
  const { issuer, federation } = state;
  const requestId = platform.requestId ?? crypto.randomUUID();
  const functionName = platform.functionName;
  const labels: Record<string, string> = { function: functionName };
  if (platform.deployId) labels["deploy"] = platform.deployId;
  const now = config.runtime?.now ?? Date.now;

  const bind = (targetName: string) => {
    const { target, plugin } = resolveTarget(config, targetName);
    const caller: Caller = {
      functionName,
      identity: user === undefined ? "function" : "user",
      correlationId: requestId,
      issuer: issuer.issuer,
      subject:
        user === undefined
          ? safeSubject(config, issuer, functionName, target)
          : userSubject(config.siteId, issuer.context, user.hash),
      labels: { ...labels, site: config.siteId, context: issuer.context },
    };
    const grant = checkGrant(config, targetName, caller, federation.audit, platform.waitUntil, now());
    const durationSeconds = cappedDuration(target.durationSeconds, grant);
    const providerKey = `${functionName}\n${targetName}\n${durationSeconds ?? ""}`;
    let provider = state.providers.get(providerKey);
    if (provider === undefined) {
      provider = plugin.provider({
        target,
        targetName,
        durationSeconds,
        env: state.env,
        siteId: config.siteId,
        context: issuer.context,
      });
      state.providers.set(providerKey, provider);
    }
    const source = sourceFor(state, config, target, plugin, targetName, functionName, user);
    const scope = { siteId: config.siteId, context: issuer.context, targetName };
    // Only site-issuer tokens carry a deploy context; a target's own source is outside the boundary.
    const refusal =
      target.source === undefined
        ? {
            running: issuer.context,
            trustContext: plugin.trustContext?.(target, scope) ?? target.trustContext ?? "production",
            targetName,
            ...(plugin.trustHolder === undefined ? {} : { holder: plugin.trustHolder }),
          }
        : undefined;
    const bound: BoundCredentials = {
      getCredentials: (p, options) =>
        federation
          .getCredentials(p, {
            source,
            correlationId: requestId,
            labels,
            ...(platform.waitUntil ? { scheduler: platform.waitUntil } : {}),
            ...(options?.signal ? { signal: options.signal } : {}),
          })
          .catch((error: unknown) => {
            throw refusal === undefined ? error : isolationRefusal(error, refusal);
          }),
    };
    return { target, plugin, provider, bound };
  };

  return {
    requestId,
    context: issuer.context,
    issuer: issuer.issuer,
    functionName,
    ...(user === undefined ? {} : { userHash: user.hash }),
    federation,
    client<C>(targetName: string): C {
      const { target, plugin, provider, bound } = bind(targetName);
      return plugin.client(bound, provider, { target }) as C;
    },
    credentials<C extends Credentials>(targetName: string, options?: { signal?: AbortSignal }): Promise<C> {
      try {
        const { provider, bound } = bind(targetName);
        return bound.getCredentials(provider as Provider<C>, options);
      } catch (err) {
        return Promise.reject(err);
      }
    },
    async asUser(request: Request): Promise<Fedkit> {
      if (config.users === undefined) {
        throw new FederationError(
          "config",
          "fedkit: per-user federation needs `users` (the IdP) in the config.",
          {
            provider: "netlify",
            hint: "Set users: userIdp({ issuer, audience, jwksUri }) with your IdP's values.",
          },
        );
      }
      const verified = await config.users.verify(request, config.runtime);
      return handle(config, state, platform, verified);
    },
  };
}

function safeSubject(
  config: FedkitConfig,
  issuer: SiteIssuer,
  functionName: string,
  target: TargetConfig,
): string {
  try {
    return subjectFor(
      { siteId: config.siteId, context: issuer.context, functionName },
      target.subject ?? "function",
    );
  } catch {
    return `site:${config.siteId}:context:${issuer.context}`;
  }
}

function sourceFor(
  state: IsolateState,
  config: FedkitConfig,
  target: TargetConfig,
  plugin: CloudPlugin,
  targetName: string,
  functionName: string,
  user: VerifiedUser | undefined,
): SubjectTokenSource {
  if (target.source !== undefined) {
    // Checked for the whole config up front; kept here so no path can hand a shared source to a user.
    if (user !== undefined) throw userSourceConflict(functionName, targetName);
    return target.source;
  }
  const key = `${functionName}\n${targetName}\n${user?.hash ?? ""}`;
  let source = state.sources.get(key);
  if (source !== undefined) return source;
  const context = state.issuer.context;
  const extra = plugin.mintOptions?.(target, {
    siteId: config.siteId,
    context,
    functionName,
    ...(user === undefined ? {} : { user: user.hash }),
  });
  source = siteIssuerSource(state.issuer, {
    functionName,
    subjectForm: target.subject ?? "function",
    ...extra,
    ...(user === undefined
      ? {}
      : {
          subject: userSubject(config.siteId, context, user.hash),
          claims: { ...extra?.claims, user_hash: user.hash },
        }),
  });
  // Per-user sources are bounded: the oldest is dropped (its tokens are re-minted on the next request).
  if (state.sources.size >= state.maxSources) {
    state.sources.delete(state.sources.keys().next().value as string);
    state.evictedSource();
  }
  state.sources.set(key, source);
  return source;
}
