/**
 * The binding cache: what a function may use a target with (target resolution, grant check, provider, token
 * source, deploy-context refusal scope), worked out once per isolate, deploy context, function and target instead
 * of on every request. A request adds only what is its own (correlation id, labels, scheduler, signal) when it
 * calls the engine.
 *
 * What is cached and why it is safe:
 * - Bindings live in the isolate state of one config object and one deploy context, so another config (a new
 *   object) or another context never sees them; inside it, one table per function, one entry per target name.
 * - Only a granted binding is cached. A refused grant or an unknown target is worked out again on every call, so
 *   each refusal is audited with its own request's correlation id and a refusal never turns into a grant.
 * - A user's binding shares the target part (grant for the `user` identity, provider) but never a source: each
 *   user's source comes from the bounded per-user table, keyed by the user's hash.
 *
 * @packageDocumentation
 */
import type { Credentials, Federation, Provider, SubjectTokenSource } from "@fedkit/core";
import { userSubject } from "@fedkit/issuer";
import { resolveTarget } from "./clouds/registry.js";
import type { CloudPlugin } from "./clouds/types.js";
import type { FedkitConfig, TargetConfig } from "./config.js";
import { isolationRefusal, type RefusalScope } from "./context-refusal.js";
import { type Caller, cappedDuration, checkGrant } from "./guardrails.js";
import { type IsolateState, safeSubject, sourceFor } from "./isolate.js";

/** A granted (function, target, identity) in one isolate state: everything a request needs but its own ids. */
export interface TargetBinding {
  readonly targetName: string;
  readonly target: TargetConfig;
  readonly plugin: CloudPlugin;
  readonly provider: Provider;
  /** Set for site-issuer targets: where an engine refusal gets the deploy-context isolation hint. */
  readonly refusal: RefusalScope | undefined;
}

/** A {@link TargetBinding} with the token source of its subject (the function, or one user). @internal */
export interface Binding extends TargetBinding {
  readonly source: SubjectTokenSource;
  /** The last engine promise seen and its error-mapped form: a repeated hit allocates no promise. */
  lastRaw: Promise<Credentials> | undefined;
  lastMapped: Promise<Credentials> | undefined;
}

/** The per-request facts a binding is checked and audited with. @internal */
export interface RequestFacts {
  readonly functionName: string;
  readonly correlationId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly scheduler: ((promise: Promise<unknown>) => void) | undefined;
  readonly now: () => number;
}

/** The bindings of one function in one isolate state. @internal */
export interface FunctionScope {
  readonly functionName: string;
  /** Function-identity bindings, by target name. */
  readonly bindings: Map<string, Binding>;
  /** User-identity target parts, by target name (the source is per user). */
  readonly userTargets: Map<string, TargetBinding>;
  /** The binding served last: a function that uses one target finds it without a map lookup. */
  lastBinding: Binding | undefined;
  /** Labels of the last deploy id seen (one per isolate in practice), shared and frozen. */
  labelsDeployId: string | undefined;
  labels: Readonly<Record<string, string>>;
}

/** The function's scope in `state`; kept only for functions the config maps (a bounded set). @internal */
export function functionScope(state: IsolateState, functionName: string): FunctionScope {
  const last = state.lastScope;
  if (last !== undefined && last.functionName === functionName) return last;
  const known = state.functions.get(functionName);
  if (known !== undefined) {
    state.lastScope = known;
    return known;
  }
  const scope: FunctionScope = {
    functionName,
    bindings: new Map(),
    userTargets: new Map(),
    lastBinding: undefined,
    labelsDeployId: undefined,
    labels: Object.freeze({ function: functionName }),
  };
  if (Object.hasOwn(state.config.functions, functionName)) {
    state.functions.set(functionName, scope);
    state.lastScope = scope;
  }
  return scope;
}

/** The labels of a request of `scope` with `deployId`: one frozen object per (function, deploy). @internal */
export function requestLabels(
  scope: FunctionScope,
  deployId: string | undefined,
): Readonly<Record<string, string>> {
  if (deployId === scope.labelsDeployId) return scope.labels;
  const labels: Record<string, string> = { function: scope.functionName };
  if (deployId) labels["deploy"] = deployId;
  Object.freeze(labels);
  scope.labelsDeployId = deployId;
  scope.labels = labels;
  return labels;
}

/** The function-identity binding of `targetName`, from the cache or worked out (and cached once granted). */
export function functionBinding(
  state: IsolateState,
  scope: FunctionScope,
  targetName: string,
  facts: RequestFacts,
): Binding {
  const last = scope.lastBinding;
  if (last !== undefined && last.targetName === targetName) return last;
  const cached = scope.bindings.get(targetName);
  if (cached !== undefined) {
    scope.lastBinding = cached;
    return cached;
  }
  const part = targetBinding(state, targetName, facts, undefined);
  const source = sourceFor(state, part.target, part.plugin, targetName, facts.functionName, undefined);
  const binding: Binding = { ...part, source, lastRaw: undefined, lastMapped: undefined };
  if (scope === state.functions.get(scope.functionName)) {
    scope.bindings.set(targetName, binding);
    scope.lastBinding = binding;
  }
  return binding;
}

/** The user-identity binding of `targetName` for the user `userHash` (the user's own source). */
export function userBinding(
  state: IsolateState,
  scope: FunctionScope,
  targetName: string,
  facts: RequestFacts,
  userHash: string,
): Binding {
  let part = scope.userTargets.get(targetName);
  if (part === undefined) {
    part = targetBinding(state, targetName, facts, userHash);
    if (scope === state.functions.get(scope.functionName)) scope.userTargets.set(targetName, part);
  }
  const source = sourceFor(state, part.target, part.plugin, targetName, facts.functionName, userHash);
  return { ...part, source, lastRaw: undefined, lastMapped: undefined };
}

/**
 * Calls the engine for `binding` with the request's own ids. A site-issuer target's refusals get the
 * deploy-context isolation hint; the mapped promise of the last engine promise is reused, which is sound for
 * any promise (the same promise settles the same way, and the mapping depends on the binding alone).
 */
export function boundCredentials<C extends Credentials>(
  federation: Federation,
  binding: Binding,
  provider: Provider<C>,
  facts: RequestFacts,
  signal: AbortSignal | undefined,
): Promise<C> {
  // One literal of one shape (no spreads): the engine treats an undefined scheduler or signal as absent.
  const raw = federation.getCredentials(provider, {
    source: binding.source,
    correlationId: facts.correlationId,
    labels: facts.labels,
    scheduler: facts.scheduler,
    signal,
  });
  const refusal = binding.refusal;
  if (refusal === undefined) return raw;
  if (raw === binding.lastRaw) return binding.lastMapped as Promise<C>;
  const mapped = raw.catch((error: unknown) => {
    throw isolationRefusal(error, refusal);
  });
  binding.lastRaw = raw;
  binding.lastMapped = mapped;
  return mapped;
}

/** Resolves the target, checks the grant (auditing a refusal with this request's ids), builds the provider. */
function targetBinding(
  state: IsolateState,
  targetName: string,
  facts: RequestFacts,
  userHash: string | undefined,
): TargetBinding {
  const { config, issuer, federation } = state;
  const { target, plugin } = resolveTarget(config, targetName);
  const caller: Caller = {
    functionName: facts.functionName,
    identity: userHash === undefined ? "function" : "user",
    correlationId: facts.correlationId,
    issuer: issuer.issuer,
    subject:
      userHash === undefined
        ? safeSubject(state, facts.functionName, target)
        : userSubject(config.siteId, issuer.context, userHash),
    labels: { ...facts.labels, site: config.siteId, context: issuer.context },
  };
  const grant = checkGrant(config, targetName, caller, federation.audit, facts.scheduler, facts.now());
  const provider = providerFor(state, config, target, plugin, targetName, facts.functionName, grant);
  const scope = { siteId: config.siteId, context: issuer.context, targetName };
  // Only site-issuer tokens carry a deploy context; a target's own source is outside the boundary.
  const refusal: RefusalScope | undefined =
    target.source === undefined
      ? {
          running: issuer.context,
          trustContext: plugin.trustContext?.(target, scope) ?? target.trustContext ?? "production",
          targetName,
          ...(plugin.trustHolder === undefined ? {} : { holder: plugin.trustHolder }),
        }
      : undefined;
  return { targetName, target, plugin, provider, refusal };
}

function providerFor(
  state: IsolateState,
  config: FedkitConfig,
  target: TargetConfig,
  plugin: CloudPlugin,
  targetName: string,
  functionName: string,
  grant: Parameters<typeof cappedDuration>[1],
): Provider {
  const durationSeconds = cappedDuration(target.durationSeconds, grant);
  // Function and user identities of one target share a provider when their capped lifetime is the same.
  const providerKey = `${functionName}\n${targetName}\n${durationSeconds ?? ""}`;
  let provider = state.providers.get(providerKey);
  if (provider === undefined) {
    provider = plugin.provider({
      target,
      targetName,
      durationSeconds,
      env: state.env,
      siteId: config.siteId,
      context: state.issuer.context,
    });
    state.providers.set(providerKey, provider);
  }
  return provider;
}
