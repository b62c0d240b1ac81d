import { ISSUER_CACHE_SECONDS, issuerHandler, publishedKeys } from "@fedkit/issuer";
import type { FedkitConfig } from "./config.js";
import { type NetlifyContext, platformEnv } from "./platform.js";
import { errorResponse } from "./response.js";
import { resolveContext } from "./runtime.js";

/** Verifiers cache for this long; rotation timings in the docs assume it. Re-exported from `@fedkit/issuer`. @public */
export { ISSUER_CACHE_SECONDS };

/**
 * The edge function serving every issuer's discovery document and JWKS at `/oidc/<context>/.well-known/...`:
 * `@fedkit/issuer`'s `issuerHandler`, fed from Netlify's context and env. The running deploy's own context is
 * served from its key set (public halves only); other contexts come from the public-keys variable
 * (`FEDKIT_ISSUER_PUBLIC_KEYS`: `{"deploy-preview": {"keys": [...]}, ...}`), never from the request. `dev` keys
 * are never published. Issuer URLs come from the config, not from `Host`.
 *
 * @example
 * ```ts
 * // netlify/edge-functions/oidc.ts
 * import { issuerRoutes } from "@fedkit/netlify";
 * import fedkit from "../fedkit.config.js";
 * export default issuerRoutes(fedkit);
 * export const config = { path: "/oidc/*" };
 * ```
 * @public
 */
export function issuerRoutes(
  config: FedkitConfig,
): (request: Request, context?: NetlifyContext) => Promise<Response> {
  // Claims the configured clouds add when minting (AWS session tags), advertised in discovery.
  const claimsSupported = Object.values(config.clouds ?? {}).flatMap(
    (plugin) => plugin.claimsSupported ?? [],
  );
  return (request, context) => {
    const env = config.runtime?.env ?? platformEnv;
    const variable = config.keysVariable ?? "FEDKIT_ISSUER_KEYS";
    const running = resolveContext(context?.deploy?.context, env);
    const handler = issuerHandler({
      siteUrl: env("FEDKIT_SITE_URL") ?? config.siteUrl,
      claimsSupported,
      publicKeys: (wanted) =>
        publishedKeys(wanted, {
          running,
          keySet: env(variable),
          keySetVariable: variable,
          otherContexts: env(config.publicKeysVariable ?? "FEDKIT_ISSUER_PUBLIC_KEYS"),
        }),
      onError: (error) =>
        errorResponse(
          error,
          context?.requestId || request.headers.get("x-nf-request-id") || crypto.randomUUID(),
          config.exposeErrorDetails === true,
        ),
    });
    return handler(request);
  };
}
