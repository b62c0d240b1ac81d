/**
 * The per-request handle: one object per request holding only the request's own facts (request id, labels,
 * scheduler) and a pointer to the isolate's state; its methods and the values every request of the isolate
 * shares (context, issuer, federation) live on the prototype, so a request allocates no closures and copies
 * nothing.
 *
 * @packageDocumentation
 */
import { type Credentials, type Federation, FederationError, type Provider } from "@fedkit/core";
import { bindingOf, boundCredentials, type RequestFacts } from "./bindings.js";
import type { BoundCredentials } from "./clouds/types.js";
import type { IsolateState } from "./isolate.js";
import type { Fedkit } from "./runtime.js";

/** A {@link Fedkit} handle of one request (and, from `asUser`, one verified user). @internal */
export class RequestHandle implements Fedkit, RequestFacts {
  // `declare`: the constructor assigns them, so no field definitions are emitted (each would define the field
  // before the constructor assigns it: twice the work per request, and bytes).
  declare readonly functionName: string;
  declare readonly requestId: string;
  declare readonly scheduler: ((promise: Promise<unknown>) => void) | undefined;
  declare readonly labels: Readonly<Record<string, string>>;
  declare readonly userHash?: string;
  // ES private: the isolate's tables never show on the handle (enumeration, JSON, logs).
  readonly #state: IsolateState;

  constructor(
    state: IsolateState,
    functionName: string,
    requestId: string,
    scheduler: ((promise: Promise<unknown>) => void) | undefined,
    labels: Readonly<Record<string, string>>,
    user?: string,
  ) {
    this.#state = state;
    const self = this as { -readonly [K in keyof RequestHandle]: RequestHandle[K] };
    self.functionName = functionName;
    self.requestId = requestId;
    self.scheduler = scheduler;
    self.labels = labels;
    // Only a user's handle has the field (`"userHash" in fedkit` tells them apart).
    if (user !== undefined) self.userHash = user;
  }

  get context(): string {
    return this.#state.issuer.context;
  }
  get issuer(): string {
    return this.#state.issuer.issuer;
  }
  get federation(): Federation {
    return this.#state.federation;
  }

  client<C>(targetName: string): C {
    const binding = bindingOf(this.#state, this, targetName);
    const bound: BoundCredentials = {
      getCredentials: (provider, options) =>
        boundCredentials(this.#state, binding, provider, this, options?.signal),
    };
    return binding.plugin.client(bound, binding.provider, { target: binding.target }) as C;
  }

  credentials<C extends Credentials>(targetName: string, options?: { signal?: AbortSignal }): Promise<C> {
    try {
      const binding = bindingOf(this.#state, this, targetName);
      return boundCredentials(this.#state, binding, binding.provider as Provider<C>, this, options?.signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async asUser(request: Request): Promise<Fedkit> {
    const { config } = this.#state;
    if (config.users === undefined) {
      throw new FederationError("config", "fedkit: asUser needs `users` in the config.", {
        provider: "netlify",
        hint: "Set users: userIdp({ issuer, audience, jwksUri }).",
      });
    }
    const { hash } = await config.users.verify(request, config.runtime);
    return new RequestHandle(
      this.#state,
      this.functionName,
      this.requestId,
      this.scheduler,
      this.labels,
      hash,
    );
  }
}
