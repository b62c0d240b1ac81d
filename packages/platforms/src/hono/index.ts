/**
 * A Hono middleware: `c.get("fedkit")` is the federation bound to the request, with the source you choose per
 * request (a platform source, the site issuer, a verified bearer token). Uses `c.executionCtx.waitUntil` where
 * the runtime has one (Workers, Vercel Edge). Hono's types are declared here, not imported.
 *
 * @packageDocumentation
 */
import type { Federation, SubjectTokenSource } from "@fedkit/core";
import { type RequestFederation, requestFederation } from "../bound.js";
import { type AdapterFederationOptions, lazyFederation } from "../shared-federation.js";

/** The part of Hono's `Context` the middleware uses. @public */
export interface HonoContextLike {
  readonly req: { readonly raw: Request };
  set(key: "fedkit", value: RequestFederation): void;
  readonly executionCtx: { waitUntil(work: Promise<unknown>): void };
}

/** Options of {@link fedkitHono}. @public */
export interface FedkitHonoOptions {
  /** The subject-token source of a request. */
  readonly source: (request: Request) => SubjectTokenSource;
  readonly federation?: Federation | AdapterFederationOptions;
}

/**
 * Creates the middleware.
 *
 * @example
 * ```ts
 * import { githubActionsToken } from "@fedkit/platforms";
 * import { fedkitHono } from "@fedkit/platforms/hono";
 * const middleware = fedkitHono({ source: () => githubActionsToken() });
 * ```
 * @public
 */
export function fedkitHono(
  options: FedkitHonoOptions,
): (c: HonoContextLike, next: () => Promise<void>) => Promise<void> {
  if (typeof options?.source !== "function")
    throw new TypeError("fedkitHono: pass source: (request) => SubjectTokenSource");
  const federation = lazyFederation(options.federation);
  return async (c, next) => {
    let scheduler: ((work: Promise<unknown>) => void) | undefined;
    try {
      const ctx = c.executionCtx; // Hono throws where the runtime has no execution context (Node, Deno)
      scheduler = (work) => ctx.waitUntil(work);
    } catch {
      scheduler = undefined;
    }
    c.set(
      "fedkit",
      requestFederation(federation(), {
        source: options.source(c.req.raw),
        ...(scheduler ? { scheduler } : {}),
      }),
    );
    await next();
  };
}
