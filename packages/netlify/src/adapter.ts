import { FederationError } from "@fedkit/core";
import type { FedkitConfig } from "./config.js";
import type { NetlifyContext } from "./platform.js";
import { errorResponse } from "./response.js";
import { type Fedkit, requestHandle } from "./runtime.js";

/** The config of one wrapped function: the site's fedkit config plus the function's name. @public */
export type FunctionConfig = FedkitConfig & {
  /** The name under which `config.functions` maps this function's targets. */
  readonly function: string;
};

/** A wrapped handler: the request, the ready fedkit handle, and Netlify's context. @public */
export type FedkitHandler<C extends NetlifyContext = NetlifyContext> = (
  request: Request,
  fedkit: Fedkit,
  context: C,
) => Response | Promise<Response>;

/**
 * Wraps a Netlify edge function (or a Functions v2 handler: same `(request, context)` shape). Per isolate it
 * builds the site issuer and the federation once; per request it hands the handler a {@link Fedkit} handle
 * whose clients are bound to this function's mappings, correlates audit events with `context.requestId`, runs
 * background refreshes and the audit flush through `context.waitUntil` (awaiting the flush before responding
 * when the platform has none), and turns any `FederationError` into a safe JSON error response.
 *
 * @example
 * ```ts
 * import { withFedkit } from "@fedkit/netlify";
 * import type { AwsFetch } from "@fedkit/netlify/aws";
 * import fedkit from "../fedkit.config.js"; // clouds: { aws: awsCloud }
 *
 * export default withFedkit({ ...fedkit, function: "report" }, async (request, fedkit) => {
 *   const s3 = fedkit.client<AwsFetch>("reports");
 *   return s3("https://reports-bucket.s3.eu-west-1.amazonaws.com/2024.csv");
 * });
 * export const config = { path: "/report" };
 * ```
 * @public
 */
export function withFedkit<C extends NetlifyContext = NetlifyContext>(
  config: FunctionConfig,
  handler: FedkitHandler<C>,
): (request: Request, context: C) => Promise<Response> {
  if (typeof config?.function !== "string" || config.function === "") {
    throw new TypeError('withFedkit: name the function: { ...config, function: "report" }');
  }
  const base = sharedConfig(config);
  return async (request, context) => {
    const requestId = context?.requestId || request.headers.get("x-nf-request-id") || crypto.randomUUID();
    const waitUntil = typeof context?.waitUntil === "function" ? context.waitUntil.bind(context) : undefined;
    let fedkit: Fedkit | Promise<Fedkit> | undefined;
    try {
      // The request's facts as arguments (no object to allocate); an undefined one is absent. Once the isolate is
      // ready the handle comes back synchronously: no await before the handler runs.
      fedkit = requestHandle(
        base,
        config.function,
        requestId,
        waitUntil,
        context?.site?.id || undefined,
        context?.deploy?.context || undefined,
        context?.deploy?.id || undefined,
      );
      if (fedkit instanceof Promise) fedkit = await fedkit;
      return await handler(request, fedkit, context);
    } catch (error) {
      logError(error, requestId);
      return errorResponse(error, requestId, config.exposeErrorDetails === true);
    } finally {
      if (fedkit !== undefined && !(fedkit instanceof Promise)) {
        const flushed = fedkit.federation.flush().catch(() => undefined);
        if (waitUntil) waitUntil(flushed);
        else await flushed;
      }
    }
  };
}

const shared = new WeakMap<object, FedkitConfig[]>();

// Spreads of one site config (`{ ...config, function }`) share one isolate state; a config that differs in any
// field gets its own.
function sharedConfig(config: FunctionConfig): FedkitConfig {
  const { function: _name, ...rest } = config;
  const candidates = shared.get(config.targets) ?? [];
  const same = candidates.find((base) => sameFields(base, rest));
  if (same !== undefined) return same;
  shared.set(config.targets, [...candidates, rest]);
  return rest;
}

function sameFields(a: object, b: object): boolean {
  const ka = Object.keys(a);
  return (
    ka.length === Object.keys(b).length &&
    ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k])
  );
}

function logError(error: unknown, requestId: string): void {
  // FederationError.toJSON() is safe to log (no token, no secret); other errors log their name and message.
  const detail =
    error instanceof FederationError
      ? error.toJSON()
      : { name: (error as Error)?.name, message: (error as Error)?.message };
  console.error(JSON.stringify({ fedkit: "error", requestId, ...detail }));
}
