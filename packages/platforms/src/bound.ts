/**
 * What every adapter hands a handler: the isolate's federation bound to one request's token source, scheduler
 * (`waitUntil`) and correlation id, in the `getCredentials` shape `awsFetch`, `gcpFetch` and `azureFetch` take.
 *
 * @packageDocumentation
 */
import type {
  Credentials,
  Federation,
  GetCredentialsOptions,
  Provider,
  Scheduler,
  SubjectTokenSource,
} from "@fedkit/core";

/** A federation bound to one request. @public */
export interface RequestFederation {
  getCredentials<C extends Credentials>(provider: Provider<C>, options?: GetCredentialsOptions): Promise<C>;
  /** The source of this request's subject tokens (its `name` says which: binding, issuer, header, ...). */
  readonly source: SubjectTokenSource;
}

/** What binds a federation to one request. @public */
export interface RequestBinding {
  readonly source: SubjectTokenSource;
  readonly scheduler?: Scheduler;
  readonly correlationId?: string;
}

/**
 * Binds `federation` to one request; per-call options still win.
 *
 * @example
 * ```ts
 * import { createFederation, staticToken } from "@fedkit/core";
 * import { requestFederation } from "@fedkit/platforms";
 * const federation = createFederation();
 * const bound = requestFederation(federation, { source: staticToken("eyJ…"), correlationId: "req-1" });
 * ```
 * @public
 */
export function requestFederation(
  federation: Pick<Federation, "getCredentials">,
  binding: RequestBinding,
): RequestFederation {
  const defaults: GetCredentialsOptions = {
    source: binding.source,
    ...(binding.scheduler ? { scheduler: binding.scheduler } : {}),
    ...(binding.correlationId ? { correlationId: binding.correlationId } : {}),
  };
  return {
    source: binding.source,
    getCredentials: (provider, options) => federation.getCredentials(provider, { ...defaults, ...options }),
  };
}
