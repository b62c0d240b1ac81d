/**
 * The isolate state: per config object and deploy context, the site issuer, the federation and the tables that
 * outlive a request (providers, token sources, function scopes with their bindings).
 *
 * @packageDocumentation
 */
import {
  createFederation,
  type Federation,
  FederationError,
  type Provider,
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
import type { FunctionScope } from "./bindings.js";
import type { CloudPlugin } from "./clouds/types.js";
import { assertUserGrants, type FedkitConfig, type TargetConfig, userSourceConflict } from "./config.js";
import { platformEnv } from "./platform.js";

/** What one isolate keeps for one config and deploy context. @internal */
export interface IsolateState {
  readonly config: FedkitConfig;
  readonly issuer: SiteIssuer;
  readonly federation: Federation;
  readonly providers: Map<string, Provider>;
  readonly sources: Map<string, SubjectTokenSource>;
  /** Function scopes (binding tables), only of functions the config maps. */
  readonly functions: Map<string, FunctionScope>;
  /** The scope served last (an isolate usually runs one function): found without a map lookup. */
  lastScope: FunctionScope | undefined;
  /** Bound of `sources`, and what reports an eviction past it. */
  readonly maxSources: number;
  readonly evictedSource: () => void;
  readonly env: (name: string) => string | undefined;
  /** Set once the key set has loaded: later requests skip the await (the issuer keeps the loaded set). */
  keysReady: boolean;
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

/** The state of (config, the request's deploy context), built on the first request of that pair. @internal */
export function isolateState(
  config: FedkitConfig,
  deployContext: string | undefined,
  siteId: string | undefined,
  deployId: string | undefined,
): IsolateState {
  // An isolate serves one config and one deploy context in practice: the last pair answers without a lookup.
  // Only a context Netlify names is remembered; `dev` and none read FEDKIT_CONTEXT on every request.
  if (config === last.config && deployContext === last.deployContext && last.state !== undefined)
    return last.state;
  const env = config.runtime?.env ?? platformEnv;
  const context = resolveContext(deployContext, env);
  const state = stateOf(config, context, env, siteId, deployId);
  if (context === deployContext) {
    last.config = config;
    last.deployContext = deployContext;
    last.state = state;
  }
  return state;
}

const last: { config?: FedkitConfig; deployContext?: string; state?: IsolateState } = {};

function stateOf(
  config: FedkitConfig,
  context: string,
  env: (name: string) => string | undefined,
  siteId: string | undefined,
  deployId: string | undefined,
): IsolateState {
  let byContext = states.get(config);
  if (byContext === undefined) {
    byContext = new Map();
    states.set(config, byContext);
  }
  let state = byContext.get(context);
  if (state !== undefined) return state;
  assertUserGrants(config);
  if (siteId && siteId !== config.siteId) {
    throw new FederationError("config", `fedkit: config.siteId does not match this site (${siteId}).`, {
      provider: "netlify",
      hint: "Set siteId in the fedkit config to this site's id (Site configuration > Site details), then regenerate trust policies.",
    });
  }
  const variable = config.keysVariable ?? "FEDKIT_ISSUER_KEYS";
  const runtime = config.runtime ?? {};
  const issuer = createSiteIssuer({
    siteUrl: env("FEDKIT_SITE_URL") ?? config.siteUrl,
    siteId: config.siteId,
    context,
    keys: () => importIssuerKeySet(env(variable), variable, context),
    ...(config.tokenLifetimeSeconds === undefined ? {} : { lifetimeSeconds: config.tokenLifetimeSeconds }),
    ...(deployId ? { deployId } : {}),
    ...(runtime.now ? { now: runtime.now } : {}),
    ...(runtime.random ? { random: runtime.random } : {}),
  });
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
  state = {
    config,
    issuer,
    federation,
    providers: new Map(),
    sources: new Map(),
    functions: new Map(),
    lastScope: undefined,
    maxSources,
    evictedSource,
    env,
    keysReady: false,
  };
  byContext.set(context, state);
  return state;
}

/** The function's subject for audit, or the site's when the target's subject form cannot be built. @internal */
export function safeSubject(state: IsolateState, functionName: string, target: TargetConfig): string {
  const { config, issuer } = state;
  try {
    return subjectFor(
      { siteId: config.siteId, context: issuer.context, functionName },
      target.subject ?? "function",
    );
  } catch {
    return `site:${config.siteId}:context:${issuer.context}`;
  }
}

/** The token source of (function, target, user): the target's own, or a site-issuer source. @internal */
export function sourceFor(
  state: IsolateState,
  target: TargetConfig,
  plugin: CloudPlugin,
  targetName: string,
  functionName: string,
  userHash: string | undefined,
): SubjectTokenSource {
  const { config } = state;
  if (target.source !== undefined) {
    // Checked for the whole config up front; kept here so no path can hand a shared source to a user.
    if (userHash !== undefined) throw userSourceConflict(functionName, targetName);
    return target.source;
  }
  const key = `${functionName}\n${targetName}\n${userHash ?? ""}`;
  let source = state.sources.get(key);
  if (source !== undefined) return source;
  const context = state.issuer.context;
  const extra = plugin.mintOptions?.(target, {
    siteId: config.siteId,
    context,
    functionName,
    ...(userHash === undefined ? {} : { user: userHash }),
  });
  source = siteIssuerSource(state.issuer, {
    functionName,
    subjectForm: target.subject ?? "function",
    ...extra,
    ...(userHash === undefined
      ? {}
      : {
          subject: userSubject(config.siteId, context, userHash),
          claims: { ...extra?.claims, user_hash: userHash },
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
