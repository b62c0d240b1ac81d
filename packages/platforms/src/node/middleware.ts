/**
 * A middleware for Node's `http` and Express-style servers: `req.fedkit` is the federation bound to the
 * request. No Node import: the request type is declared here.
 *
 * @packageDocumentation
 */
import type { Federation, SubjectTokenSource } from "@fedkit/core";
import { type RequestFederation, requestFederation } from "../bound.js";
import { type AdapterFederationOptions, lazyFederation } from "../shared-federation.js";

/** The part of `http.IncomingMessage` the middleware uses. @public */
export interface NodeRequestLike {
  readonly headers: Record<string, string | string[] | undefined>;
  fedkit?: RequestFederation;
}

/** Options of {@link fedkitNode}. @public */
export interface FedkitNodeOptions<R extends NodeRequestLike> {
  /** The subject-token source of a request (a platform source, `fileToken`, a verified bearer token). */
  readonly source: (request: R) => SubjectTokenSource;
  readonly federation?: Federation | AdapterFederationOptions;
}

/**
 * Creates the middleware `(req, res, next)`; `next` is optional for plain `http` servers.
 *
 * @example
 * ```ts
 * import { gitlabCiToken } from "@fedkit/platforms";
 * import { fedkitNode } from "@fedkit/platforms/node";
 * const attach = fedkitNode({ source: () => gitlabCiToken("AWS_ID_TOKEN") });
 * ```
 * @public
 */
export function fedkitNode<R extends NodeRequestLike>(
  options: FedkitNodeOptions<R>,
): (req: R, res: unknown, next?: (error?: unknown) => void) => void {
  if (typeof options?.source !== "function")
    throw new TypeError("fedkitNode: pass source: (request) => SubjectTokenSource");
  const federation = lazyFederation(options.federation);
  return (req, _res, next) => {
    try {
      const id = req.headers["x-request-id"];
      req.fedkit = requestFederation(federation(), {
        source: options.source(req),
        ...(typeof id === "string" ? { correlationId: id } : {}),
      });
    } catch (error) {
      if (next) return next(error);
      throw error;
    }
    next?.();
  };
}
