/**
 * The isolate state: per config object and deploy context, the site issuer, the federation and the tables that
 * outlive a request (granted bindings, per-user token sources).
 *
 * @packageDocumentation
 */
import { createFederation, type Federation, type SubjectTokenSource } from "@fedkit/core";
import { evictionAudit } from "@fedkit/core/audit";
import {
  createSiteIssuer,
  importIssuerKeySet,
  type SiteIssuer,
  type SiteIssuerOptions,
} from "@fedkit/issuer";
import type { Binding } from "./bindings.js";
import { type FedkitConfig, netlifyError } from "./config.js";
import type { HandleScope } from "./handle.js";
import { platformEnv } from "./platform.js";

/** What one isolate keeps for one config and deploy context. @internal */
export interface IsolateState {
  readonly config: FedkitConfig;
  readonly issuer: SiteIssuer;
  readonly federation: Federation;
  readonly env: (name: string) => string | undefined;
  /** Granted bindings by identity, function and target (only granted ones: a bounded set). */
  readonly bindings: Map<string, Binding>;
  /** Per-user token sources, at most `maxSources`; the oldest goes first, and `evictedSource` audits it. */
  readonly sources: Map<string, SubjectTokenSource>;
  readonly maxSources: number;
  readonly evictedSource: () => void;
  /** The binding served last: an isolate that uses one target finds it without a map lookup. */
  last: Binding | undefined;
  /** Set once the key set has loaded: later requests build their handle without an await. */
  ready: boolean;
  /** The scope (function, deploy, labels) of the last request, shared by the requests that follow. */
  scope: HandleScope | undefined;
}

const states = new WeakMap<FedkitConfig, Map<string, IsolateState>>();
// The last (config, deploy context) pair and its state. Module variables, not an object: the hit reads three
// slots. Only a context Netlify names is remembered; `dev` and none read FEDKIT_CONTEXT on every request.
let lastConfig: FedkitConfig | undefined;
let lastDeployContext: string | undefined;
let lastState: IsolateState | undefined;

/** The deploy context to run as: Netlify's, or `FEDKIT_CONTEXT` when Netlify says `dev` or nothing. @internal */
export function resolveContext(
  deployContext: string | undefined,
  env: (name: string) => string | undefined,
): string {
  if (deployContext && deployContext !== "dev") return deployContext;
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
  // The rest lives in `pairState`, so this check stays small enough for the compiler to inline into every request.
  return config === lastConfig && deployContext === lastDeployContext && lastState !== undefined
    ? lastState
    : pairState(config, deployContext, siteId, deployId);
}

/** {@link isolateState} past the last pair: the state table, built on the pair's first request. */
function pairState(
  config: FedkitConfig,
  deployContext: string | undefined,
  siteId: string | undefined,
  deployId: string | undefined,
): IsolateState {
  const runtime = config.runtime ?? {};
  const env = runtime.env ?? platformEnv;
  const context = resolveContext(deployContext, env);
  let byContext = states.get(config);
  if (!byContext) {
    byContext = new Map();
    states.set(config, byContext);
  }
  let state = byContext.get(context);
  if (!state) {
    if (siteId && siteId !== config.siteId) {
      throw netlifyError(
        `config.siteId is not this site's id (${siteId}).`,
        "Set siteId to it, then regenerate the trust policies.",
      );
    }
    const variable = config.keysVariable ?? "FEDKIT_ISSUER_KEYS";
    const labels = { site: config.siteId, context };
    const issuer = createSiteIssuer({
      ...runtime,
      siteUrl: env("FEDKIT_SITE_URL") ?? config.siteUrl,
      siteId: config.siteId,
      context,
      keys: () => importIssuerKeySet(env(variable), variable, context),
      lifetimeSeconds: config.tokenLifetimeSeconds,
      deployId: deployId || undefined,
    } as SiteIssuerOptions);
    // The federation takes the injected fetch, clock, randomness, cache, audit and limits as they are.
    const federation = createFederation({ ...runtime, labels });
    const maxSources = runtime.limits?.userSources ?? 512;
    if (!Number.isInteger(maxSources) || maxSources < 1)
      throw new TypeError("fedkit: runtime.limits.userSources must be an integer >= 1");
    const evictedSource = evictionAudit({
      audit: federation.audit,
      table: "user-sources",
      max: maxSources,
      labels,
      now: runtime.now, // evictionAudit defaults an undefined clock
    });
    state = {
      config,
      issuer,
      federation,
      env,
      bindings: new Map(),
      sources: new Map(),
      maxSources,
      evictedSource,
      last: undefined,
      ready: false,
      scope: undefined,
    };
    byContext.set(context, state);
  }
  if (context === deployContext) {
    lastConfig = config;
    lastDeployContext = deployContext;
    lastState = state;
  }
  return state;
}
