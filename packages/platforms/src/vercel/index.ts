/**
 * The Vercel Functions adapter (Node and Edge runtimes alike: both call Web-standard handlers). Tokens come from
 * the request's `x-vercel-oidc-token` header, else `VERCEL_OIDC_TOKEN`; background refreshes go through the
 * `waitUntil` you pass (`import { waitUntil } from "@vercel/functions"`).
 *
 * @packageDocumentation
 */
import type { Federation } from "@fedkit/core";
import { type RequestFederation, requestFederation } from "../bound.js";
import { type AdapterFederationOptions, lazyFederation } from "../shared-federation.js";
import { type VercelTokenOptions, vercelToken } from "../vercel.js";

/** Options of {@link withVercel}. @public */
export interface WithVercelOptions {
  /** `waitUntil` from `@vercel/functions`; without it background refreshes run detached. */
  readonly waitUntil?: (work: Promise<unknown>) => void;
  /** A federation to share, or options for the one the adapter creates. */
  readonly federation?: Federation | AdapterFederationOptions;
  /** Passed to {@link vercelToken} (`minRemainingSeconds`, `env`). */
  readonly token?: Omit<VercelTokenOptions, "request">;
}

/**
 * Wraps a Vercel function handler.
 *
 * @example
 * ```ts
 * import { withVercel } from "@fedkit/platforms/vercel";
 * export const GET = withVercel(async (_request, fedkit) => new Response(`tokens from ${fedkit.source.name}`));
 * ```
 * @public
 */
export function withVercel(
  handler: (request: Request, fedkit: RequestFederation) => Response | Promise<Response>,
  options: WithVercelOptions = {},
): (request: Request) => Promise<Response> {
  const federation = lazyFederation(options.federation);
  return async (request) => {
    const id = request.headers.get("x-vercel-id");
    const fedkit = requestFederation(federation(), {
      source: vercelToken({ ...options.token, request }),
      ...(options.waitUntil ? { scheduler: options.waitUntil } : {}),
      ...(id ? { correlationId: id } : {}),
    });
    return handler(request, fedkit);
  };
}
