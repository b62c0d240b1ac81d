/**
 * The per-request handle: one object per request holding only the request's own facts (request id, labels,
 * scheduler) and pointers to the isolate's state and the function's binding table; its methods and the values
 * every request of the isolate shares (context, issuer, federation) live on the prototype, so a request
 * allocates no closures and copies nothing.
 *
 * @packageDocumentation
 */
import { type Credentials, type Federation, FederationError, type Provider } from "@fedkit/core";
import {
  type Binding,
  boundCredentials,
  type FunctionScope,
  functionBinding,
  type RequestFacts,
  userBinding,
} from "./bindings.js";
import type { BoundCredentials } from "./clouds/types.js";
import type { VerifiedUser } from "./config.js";
import type { IsolateState } from "./isolate.js";
import type { Fedkit, PlatformRequest } from "./runtime.js";

/** A {@link Fedkit} handle of one request (and, from `asUser`, one verified user). @internal */
export class RequestHandle implements Fedkit, RequestFacts {
  readonly requestId: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly scheduler: PlatformRequest["waitUntil"];
  declare readonly userHash?: string;
  // ES private: the isolate's tables never show on the handle (enumeration, JSON, logs).
  readonly #state: IsolateState;
  readonly #scope: FunctionScope;
  readonly #platform: PlatformRequest;

  constructor(
    state: IsolateState,
    scope: FunctionScope,
    platform: PlatformRequest,
    labels: Readonly<Record<string, string>>,
    user: VerifiedUser | undefined,
  ) {
    this.requestId = platform.requestId ?? crypto.randomUUID();
    this.labels = labels;
    this.scheduler = platform.waitUntil;
    this.#state = state;
    this.#scope = scope;
    this.#platform = platform;
    // Only a user's handle has the field, as before (`"userHash" in fedkit` tells them apart).
    if (user !== undefined) (this as { userHash?: string }).userHash = user.hash;
  }

  get context(): string {
    return this.#state.issuer.context;
  }
  get issuer(): string {
    return this.#state.issuer.issuer;
  }
  get functionName(): string {
    return this.#scope.functionName;
  }
  get federation(): Federation {
    return this.#state.federation;
  }
  /** Audit events of this request carry its id. */
  get correlationId(): string {
    return this.requestId;
  }
  get now(): () => number {
    return this.#state.config.runtime?.now ?? Date.now;
  }

  /** The binding of `targetName` for this handle's identity; refusals are re-checked (and audited) per call. */
  #bind(targetName: string): Binding {
    return this.userHash === undefined
      ? functionBinding(this.#state, this.#scope, targetName, this)
      : userBinding(this.#state, this.#scope, targetName, this, this.userHash);
  }

  client<C>(targetName: string): C {
    const binding = this.#bind(targetName);
    const bound: BoundCredentials = {
      getCredentials: (provider, options) =>
        boundCredentials(this.#state.federation, binding, provider, this, options?.signal),
    };
    return binding.plugin.client(bound, binding.provider, { target: binding.target }) as C;
  }

  credentials<C extends Credentials>(targetName: string, options?: { signal?: AbortSignal }): Promise<C> {
    let binding: Binding;
    try {
      binding = this.#bind(targetName);
    } catch (error) {
      return Promise.reject(error);
    }
    const provider = binding.provider as Provider<C>;
    return boundCredentials(this.#state.federation, binding, provider, this, options?.signal);
  }

  async asUser(request: Request): Promise<Fedkit> {
    const { config } = this.#state;
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
    return new RequestHandle(this.#state, this.#scope, this.#platform, this.labels, verified);
  }
}
