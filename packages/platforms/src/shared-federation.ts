/**
 * One federation per isolate or process for an adapter, created on first use, so credentials are reused across
 * requests; the adapter binds it to each request.
 *
 * @packageDocumentation
 */
import { createFederation, type Federation, type FederationOptions } from "@fedkit/core";

/** Federation options an adapter accepts (the source and scheduler are per request). @public */
export type AdapterFederationOptions = Omit<FederationOptions, "source" | "scheduler">;

/** A lazily created federation, or the one the caller passes. @internal */
export function lazyFederation(given: Federation | AdapterFederationOptions | undefined): () => Federation {
  let federation: Federation | undefined =
    given && "getCredentials" in given ? (given as Federation) : undefined;
  return () => {
    federation ??= createFederation({ ...(given as AdapterFederationOptions | undefined) });
    return federation;
  };
}
