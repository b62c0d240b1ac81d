/**
 * The binding cache: what a function may use a target with (target resolution, grant check, provider, token
 * source, deploy-context refusal scope), worked out once per isolate, deploy context, identity, function and
 * target instead of on every request. A request adds only what is its own (correlation id, labels, scheduler,
 * signal) when it calls the engine.
 *
 * What is cached and why it is safe:
 * - Bindings live in the isolate state of one config object and one deploy context, so another config (a new
 *   object) or another context never sees them.
 * - Only a granted binding is cached. A refused grant or an unknown target is worked out again on every call, so
 *   each refusal is audited with its own request's correlation id and a refusal never turns into a grant.
 * - A user's binding holds no source: each user's source comes from the bounded per-user table, keyed by the
 *   user's hash.
 *
 * @packageDocumentation
 */
import type { Credentials, Provider, SubjectTokenSource } from "@fedkit/core";
import { siteIssuerSource, userSubject } from "@fedkit/issuer";
import { resolveTarget } from "./clouds/registry.js";
import type { CloudPlugin } from "./clouds/types.js";
import { type TargetConfig, userSourceConflict } from "./config.js";
import { isolationRefusal, type RefusalScope } from "./context-refusal.js";
import { checkGrant } from "./guardrails.js";
import type { IsolateState } from "./isolate.js";

/** A granted (identity, function, target) in one isolate state: everything a request needs but its own ids. @internal */
export interface Binding extends RefusalScope {
  /** `identity\nfunction\ntarget`: the key of the binding table. */
  readonly key: string;
  readonly functionName: string;
  readonly user: boolean;
  readonly target: TargetConfig;
  readonly plugin: CloudPlugin;
  readonly provider: Provider;
  /** The function identity's token source; a user's comes from the per-user table. */
  readonly source: SubjectTokenSource | undefined;
  /**
   * Set for site-issuer targets, whose tokens carry a deploy context: an engine refusal gets the deploy-context
   * isolation hint (the binding is its {@link RefusalScope}). A target's own source is outside the boundary.
   */
  readonly isolated: boolean;
  /**
   * The last engine promise seen and what a call returned for it (its error-mapped form for a site-issuer
   * target, else itself): a repeated hit allocates no promise and takes no branch on the binding's kind.
   */
  lastRaw: Promise<Credentials> | undefined;
  lastMapped: Promise<Credentials> | undefined;
}

/** The per-request facts a binding is checked and audited with. @internal */
export interface RequestFacts {
  readonly functionName: string;
  readonly userHash?: string;
  /** Audit events of the request carry it as `correlationId`. */
  readonly requestId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly scheduler: ((promise: Promise<unknown>) => void) | undefined;
}

/** The binding of `targetName` for the request's function and identity: cached once granted. @internal */
export function bindingOf(state: IsolateState, facts: RequestFacts, targetName: string): Binding {
  return lastBinding(state, facts, targetName) ?? findBinding(state, facts, targetName);
}

/**
 * The binding served last, if it is the one of `targetName` for the request's function and identity. The hit
 * compares the parts (no key string is built) and is all this function does, so that it stays small enough to
 * be inlined into the request's hit path.
 * @internal
 */
export function lastBinding(
  state: IsolateState,
  facts: RequestFacts,
  targetName: string,
): Binding | undefined {
  const last = state.last;
  return last !== undefined &&
    last.targetName === targetName &&
    last.functionName === facts.functionName &&
    last.user === (facts.userHash !== undefined)
    ? last
    : undefined;
}

/** {@link bindingOf} past the binding served last: the table, or a new binding once the grant is checked. */
function findBinding(state: IsolateState, facts: RequestFacts, targetName: string): Binding {
  const user = facts.userHash;
  const { functionName } = facts;
  const key = `${user === undefined ? "" : "user"}\n${functionName}\n${targetName}`;
  let binding = state.bindings.get(key);
  if (binding === undefined) {
    const { config, issuer } = state;
    const { siteId } = config;
    const { context } = issuer;
    const { target, plugin } = resolveTarget(config, targetName);
    const cap = checkGrant(state, facts, targetName, target.subject).maxDurationSeconds;
    const own = target.source;
    // A target's own source yields one token whoever the user is: refused before anything is cached.
    if (own !== undefined && user !== undefined) throw userSourceConflict(functionName, targetName);
    const durationSeconds =
      cap === undefined ? target.durationSeconds : Math.min(target.durationSeconds ?? cap, cap);
    binding = {
      key,
      functionName,
      targetName,
      user: user !== undefined,
      target,
      plugin,
      provider: plugin.provider({ target, targetName, durationSeconds, env: state.env, siteId, context }),
      source:
        user === undefined ? (own ?? issuerSource(state, key, target, plugin, functionName)) : undefined,
      isolated: own === undefined,
      running: context,
      trustContext:
        plugin.trustContext?.(target, { siteId, context, targetName }) ?? target.trustContext ?? "production",
      holder: plugin.trustHolder,
      lastRaw: undefined,
      lastMapped: undefined,
    };
    state.bindings.set(key, binding);
  }
  state.last = binding;
  return binding;
}

/**
 * Calls the engine for `binding` with the request's own ids. A site-issuer target's refusals get the
 * deploy-context isolation hint; the mapped promise of the last engine promise is reused, which is sound for
 * any promise (the same promise settles the same way, and the mapping depends on the binding alone).
 * @internal
 */
export function boundCredentials<C extends Credentials>(
  state: IsolateState,
  binding: Binding,
  provider: Provider<C>,
  facts: RequestFacts,
  signal: AbortSignal | undefined,
): Promise<C> {
  // A function's hit needs none of the request's facts: the engine's peek serves it, and the per-call options
  // (which only a miss, a refresh or an audit event reads) are built only when it cannot.
  const raw =
    (facts.userHash === undefined
      ? state.federation.peek?.(provider, binding.source as SubjectTokenSource)
      : undefined) ?? engineCall(state, binding, provider, facts, signal);
  return raw === binding.lastRaw ? (binding.lastMapped as Promise<C>) : mappedOf(binding, raw);
}

/** The engine's call with the request's own ids, labels, scheduler and signal (and a user's own source). */
function engineCall<C extends Credentials>(
  state: IsolateState,
  binding: Binding,
  provider: Provider<C>,
  facts: RequestFacts,
  signal: AbortSignal | undefined,
): Promise<C> {
  // One literal of one shape (no spreads): the engine treats an undefined scheduler or signal as absent.
  return state.federation.getCredentials(provider, {
    source:
      facts.userHash === undefined
        ? binding.source
        : issuerSource(
            state,
            binding.key,
            binding.target,
            binding.plugin,
            facts.functionName,
            facts.userHash,
          ),
    correlationId: facts.requestId,
    labels: facts.labels,
    scheduler: facts.scheduler,
    signal,
  });
}

/**
 * What a call returns for the engine's promise `raw`, remembered for the hits that return `raw` again: for a
 * site-issuer target, `raw` with the deploy-context isolation hint on its refusals; else `raw` itself.
 */
function mappedOf<C extends Credentials>(binding: Binding, raw: Promise<C>): Promise<C> {
  const mapped = !binding.isolated
    ? raw
    : raw.catch((error: unknown) => {
        throw isolationRefusal(error, binding);
      });
  binding.lastRaw = raw;
  binding.lastMapped = mapped;
  return mapped;
}

/**
 * The site-issuer source of a binding (`key`) for the function, or for one user: a user's is kept in the bounded
 * per-user table (the oldest dropped first), a function's on its binding.
 */
function issuerSource(
  state: IsolateState,
  bindingKey: string,
  target: TargetConfig,
  plugin: CloudPlugin,
  functionName: string,
  user?: string,
): SubjectTokenSource {
  const key = `${bindingKey}\n${user}`;
  let source = state.sources.get(key);
  if (source !== undefined) return source;
  const { siteId } = state.config;
  const { context } = state.issuer;
  const extra = plugin.mintOptions?.(target, { siteId, context, functionName, ...(user && { user }) });
  source = siteIssuerSource(state.issuer, {
    functionName,
    subjectForm: target.subject ?? "function",
    ...extra,
    ...(user && {
      subject: userSubject(siteId, context, user),
      claims: { ...extra?.claims, user_hash: user },
    }),
  });
  if (user !== undefined) {
    // Per-user sources are bounded: the oldest is dropped (its tokens are re-minted on the next request).
    if (state.sources.size >= state.maxSources) {
      state.sources.delete(state.sources.keys().next().value as string);
      state.evictedSource();
    }
    state.sources.set(key, source);
  }
  return source;
}
