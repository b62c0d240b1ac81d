/**
 * The Deno Deploy adapter: a `Deno.serve` handler whose tokens come from your `getIdToken` (`jsr:@deno/oidc`).
 *
 * @packageDocumentation
 */
import type { Federation } from "@fedkit/core";
import { type RequestFederation, requestFederation } from "../bound.js";
import { type DenoGetIdToken, denoDeployToken } from "../deno-deploy.js";
import { type AdapterFederationOptions, lazyFederation } from "../shared-federation.js";

/**
 * Wraps a `Deno.serve` handler. One source and federation per isolate: tokens are the app's, not the request's.
 *
 * @example
 * ```ts
 * import { withDenoDeploy } from "@fedkit/platforms/deno-deploy";
 * declare const getIdToken: (audience: string) => Promise<string>; // from "jsr:@deno/oidc"
 * export default { fetch: withDenoDeploy(getIdToken, async (_request, fedkit) => new Response(fedkit.source.name)) };
 * ```
 * @public
 */
export function withDenoDeploy(
  getIdToken: DenoGetIdToken,
  handler: (request: Request, fedkit: RequestFederation) => Response | Promise<Response>,
  options: { readonly federation?: Federation | AdapterFederationOptions } = {},
): (request: Request) => Promise<Response> {
  const federation = lazyFederation(options.federation);
  const source = denoDeployToken(getIdToken);
  return async (request) => handler(request, requestFederation(federation(), { source }));
}
