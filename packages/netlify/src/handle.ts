/**
 * The per-request handle: one object per request holding only the request's own facts (request id, scheduler)
 * and its {@link HandleScope} (the isolate state, function name and labels its requests share); its methods and
 * the values every request of the isolate shares (context, issuer, federation) live on the prototype, so a
 * request allocates no closures and copies nothing.
 *
 * @packageDocumentation
 */
import type { Credentials, Federation, Provider } from "@fedkit/core";
import { bindingOf, boundCredentials, lastBinding, type RequestFacts } from "./bindings.js";
import type { BoundCredentials } from "./clouds/types.js";
import { netlifyError } from "./config.js";
import type { IsolateState } from "./isolate.js";
import type { Fedkit } from "./runtime.js";

type Scheduler = ((promise: Promise<unknown>) => void) | undefined;

/** The isolate state of a scope; set by {@link HandleScope}'s static block, the one code that reads `#state`. */
let stateOf: (scope: HandleScope) => IsolateState;

/**
 * What the requests of one isolate state, function and deploy share: built once (when the function or deploy
 * changes), not per request. Its state is ES private: the isolate's tables (bindings, whose last promises hold
 * credentials) never show through a handle in enumeration, JSON or logs.
 * @internal
 */
export class HandleScope {
  readonly #state: IsolateState;
  // `declare`: the constructor assigns them, so no field definitions are emitted (bundle size).
  declare readonly functionName: string;
  /** The deploy id the labels were built for, as the platform gave it. */
  declare readonly deployId: string | undefined;
  declare readonly labels: Readonly<Record<string, string>>;

  constructor(state: IsolateState, functionName: string, deployId: string | undefined) {
    this.#state = state;
    this.functionName = functionName;
    this.deployId = deployId;
    const labels: Record<string, string> = { function: functionName };
    if (deployId) labels["deploy"] = deployId;
    this.labels = Object.freeze(labels);
  }

  static {
    stateOf = (scope) => scope.#state;
  }
}

// Symbol-keyed: out of enumeration and JSON; logs show an opaque `HandleScope`.
const SCOPE: unique symbol = Symbol("fedkit.scope");

/** A {@link Fedkit} handle of one request (and, from `asUser`, one verified user). @internal */
export class RequestHandle implements Fedkit, RequestFacts {
  // `declare`: the constructor assigns them, so no field definitions are emitted. No private member either (it
  // would add a brand and an initializer call): the constructor stays under the size the compiler always
  // inlines, so a request's handle is allocated inline wherever the request's code is compiled.
  declare readonly [SCOPE]: HandleScope;
  declare readonly requestId: string;
  declare readonly scheduler: Scheduler;
  declare readonly userHash?: string;

  constructor(scope: HandleScope, requestId: string, scheduler: Scheduler) {
    this[SCOPE] = scope;
    this.requestId = requestId;
    this.scheduler = scheduler;
  }

  get functionName(): string {
    return this[SCOPE].functionName;
  }
  /** The labels of the request's audit events (function, deploy). */
  get labels(): Readonly<Record<string, string>> {
    return this[SCOPE].labels;
  }
  get context(): string {
    return stateOf(this[SCOPE]).issuer.context;
  }
  get issuer(): string {
    return stateOf(this[SCOPE]).issuer.issuer;
  }
  get federation(): Federation {
    return stateOf(this[SCOPE]).federation;
  }

  client<C>(targetName: string): C {
    const state = stateOf(this[SCOPE]);
    const binding = bindingOf(state, this, targetName);
    const bound: BoundCredentials = {
      getCredentials: (provider, options) =>
        boundCredentials(state, binding, provider, this, options?.signal),
    };
    return binding.plugin.client(bound, binding.provider, { target: binding.target }) as C;
  }

  credentials<C extends Credentials>(targetName: string, options?: { signal?: AbortSignal }): Promise<C> {
    const state = stateOf(this[SCOPE]);
    const signal = options?.signal;
    // The hit (the binding served last) has no try block and nothing else: small enough to be inlined.
    const binding = lastBinding(state, this, targetName);
    return binding === undefined
      ? credentialsOf(state, this, targetName, signal)
      : boundCredentials(state, binding, binding.provider as Provider<C>, this, signal);
  }

  async asUser(request: Request): Promise<Fedkit> {
    const { config } = stateOf(this[SCOPE]);
    if (config.users === undefined) {
      throw netlifyError(
        "asUser needs `users` in the config.",
        "Set users: userIdp({ issuer, audience, jwksUri }).",
      );
    }
    const { hash } = await config.users.verify(request, config.runtime);
    // Only a user's handle has the field (`"userHash" in fedkit` tells them apart). Added here, not in the
    // constructor, which every request runs and which must stay small.
    return Object.assign(new RequestHandle(this[SCOPE], this.requestId, this.scheduler), { userHash: hash });
  }
}

/** `credentials` past the binding served last: a refused grant or an unknown target rejects. */
function credentialsOf<C extends Credentials>(
  state: IsolateState,
  facts: RequestFacts,
  targetName: string,
  signal: AbortSignal | undefined,
): Promise<C> {
  try {
    const binding = bindingOf(state, facts, targetName);
    return boundCredentials(state, binding, binding.provider as Provider<C>, facts, signal);
  } catch (error) {
    return Promise.reject(error);
  }
}
