/**
 * The adapter's runtime entry: `fedkitFor` turns a platform request into a {@link Fedkit} handle. Its parts: the
 * isolate state (`isolate.ts`), the binding cache (`bindings.ts`) and the handle (`handle.ts`).
 *
 * @packageDocumentation
 */
import type { Credentials, Federation, Scheduler } from "@fedkit/core";
import type { FedkitConfig } from "./config.js";
import { HandleScope, RequestHandle } from "./handle.js";
import { type IsolateState, isolateState } from "./isolate.js";

export { resolveContext } from "./isolate.js";

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

/**
 * Builds (once per isolate and deploy context) the site issuer and the federation, checks that the key set
 * loads, and returns the request's handle. Errors are `FederationError`s (`config` for a missing or malformed
 * key set), never crashes. Once the key set has loaded, a request costs one handle object: the target bindings
 * (resolution, grant, provider, token source) are kept per isolate (see `bindings.ts`).
 *
 * @example
 * ```ts
 * import { fedkitFor } from "@fedkit/netlify";
 * import config from "../fedkit.config.js";
 *
 * export default async (request: Request, context: { requestId: string }) => {
 *   const fedkit = await fedkitFor(config, { functionName: "report", requestId: context.requestId });
 *   const credentials = await fedkit.credentials("reports");
 *   return new Response(credentials.kind);
 * };
 * ```
 * @public
 */
export async function fedkitFor(config: FedkitConfig, platform: PlatformRequest): Promise<Fedkit> {
  return handleFor(config, platform);
}

/**
 * The request's handle from a {@link PlatformRequest} (what {@link fedkitFor} serves): {@link requestHandle}.
 * @internal
 */
export function handleFor(config: FedkitConfig, platform: PlatformRequest): Fedkit | Promise<Fedkit> {
  return requestHandle(
    config,
    platform.functionName,
    platform.requestId,
    platform.waitUntil,
    platform.siteId,
    platform.deployContext,
    platform.deployId,
  );
}

/**
 * The request's handle, as `withFedkit` gets it on every request: synchronously (no promise) once the isolate's
 * key set has loaded, a promise only before that. Throws (synchronously) what {@link fedkitFor} rejects with.
 * The request's facts come as arguments, not as an object: a request allocates its handle and nothing else.
 * @internal
 */
export function requestHandle(
  config: FedkitConfig,
  functionName: string,
  requestId: string | undefined,
  waitUntil: Scheduler | undefined,
  siteId: string | undefined,
  deployContext: string | undefined,
  deployId: string | undefined,
): Fedkit | Promise<Fedkit> {
  const state = isolateState(config, deployContext, siteId, deployId);
  // Requests of one function and deploy share one scope (an isolate serves one in practice).
  const scope = state.scope;
  // The hit (a ready isolate, the last request's function and deploy) is all this function does: the rest lives
  // in `firstHandle`, so that a request's whole hit path (handle, binding, engine lookup) stays small enough for
  // the compiler to inline it into the caller.
  return state.ready &&
    scope !== undefined &&
    scope.functionName === functionName &&
    scope.deployId === deployId
    ? new RequestHandle(scope, requestId ?? randomRequestId(), waitUntil)
    : firstHandle(state, functionName, requestId, waitUntil, deployId);
}

/** The handle of an isolate's first requests (once the key set has loaded) or of a new function or deploy. */
function firstHandle(
  state: IsolateState,
  functionName: string,
  requestId: string | undefined,
  waitUntil: Scheduler | undefined,
  deployId: string | undefined,
): Fedkit | Promise<Fedkit> {
  const handle = () => {
    let scope = state.scope;
    if (scope === undefined || scope.functionName !== functionName || scope.deployId !== deployId) {
      scope = new HandleScope(state, functionName, deployId);
      state.scope = scope;
    }
    return new RequestHandle(scope, requestId ?? randomRequestId(), waitUntil);
  };
  if (state.ready) return handle();
  return state.issuer.keySet().then(() => {
    state.ready = true;
    return handle();
  });
}

/** The id of a request the platform gave none (audit events still correlate its calls). */
function randomRequestId(): string {
  return crypto.randomUUID();
}
