import { FederationError } from "@fedkit/core";
import type { FedkitConfig } from "./config.js";
import { discoveryDocument, jwksDocument } from "./issuer/documents.js";
import { issuerUrl } from "./issuer/issuer-url.js";
import { importIssuerKeySet, type PublicJwk } from "./issuer/keyset.js";
import { type NetlifyContext, platformEnv } from "./platform.js";
import { errorResponse } from "./response.js";
import { resolveContext } from "./runtime.js";

const ROUTE = /^\/oidc\/([a-z0-9][a-z0-9-]{0,62})\/\.well-known\/(openid-configuration|jwks\.json)$/;
/** Verifiers cache for this long; rotation timings in the docs assume it. @public */
export const ISSUER_CACHE_SECONDS = 300;

/**
 * The edge function serving every issuer's discovery document and JWKS at `/oidc/<context>/.well-known/...`.
 * The running deploy's own context is served from its key set (public halves only); other contexts come from
 * the public-keys variable (`FEDKIT_ISSUER_PUBLIC_KEYS`: `{"deploy-preview": {"keys": [...]}, ...}`), never
 * from the request. `dev` keys are never published. Issuer URLs come from the config, not from `Host`.
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
  return async (request, context) => {
    const requestId = context?.requestId || request.headers.get("x-nf-request-id") || crypto.randomUUID();
    const match = ROUTE.exec(new URL(request.url).pathname);
    if (match === null || (request.method !== "GET" && request.method !== "HEAD")) return notFound();
    const [, wanted, document] = match as unknown as [string, string, string];
    if (wanted === "dev") return notFound();
    const env = config.runtime?.env ?? platformEnv;
    try {
      const keys = await publishedKeys(config, env, wanted, resolveContext(context?.deploy?.context, env));
      if (keys === undefined) return notFound();
      const issuer = issuerUrl(env("FEDKIT_SITE_URL") ?? config.siteUrl, wanted);
      const body =
        document === "jwks.json"
          ? jwksDocument(keys)
          : discoveryDocument(
              issuer,
              keys.map((k) => k.alg),
            );
      return new Response(request.method === "HEAD" ? null : JSON.stringify(body), {
        headers: {
          "content-type": document === "jwks.json" ? "application/jwk-set+json" : "application/json",
          "cache-control": `public, max-age=${ISSUER_CACHE_SECONDS}`,
          "access-control-allow-origin": "*",
        },
      });
    } catch (error) {
      return errorResponse(error, requestId, config.exposeErrorDetails === true);
    }
  };
}

async function publishedKeys(
  config: FedkitConfig,
  env: (name: string) => string | undefined,
  wanted: string,
  running: string,
): Promise<readonly PublicJwk[] | undefined> {
  if (wanted === running) {
    const variable = config.keysVariable ?? "FEDKIT_ISSUER_KEYS";
    const set = await importIssuerKeySet(env(variable), variable);
    if (set.context !== undefined && set.context !== running) {
      throw new FederationError(
        "config",
        `${variable} holds keys of "${set.context}" but this deploy runs as "${running}".`,
        {
          provider: "netlify",
          hint: "Give each deploy context its own value of the key-set variable.",
        },
      );
    }
    return set.publicKeys;
  }
  const text = env(config.publicKeysVariable ?? "FEDKIT_ISSUER_PUBLIC_KEYS");
  if (text === undefined) return undefined;
  let map: Record<string, { keys?: PublicJwk[] }>;
  try {
    map = JSON.parse(text);
  } catch {
    return undefined;
  }
  const keys = Object.hasOwn(map, wanted) ? map[wanted]?.keys : undefined;
  if (!Array.isArray(keys)) return undefined;
  // Only public members are ever published, whatever the variable holds.
  return keys.filter((k) => !("d" in k)).map((k) => k as PublicJwk);
}

function notFound(): Response {
  return new Response(JSON.stringify({ error: { code: "not_found" } }), {
    status: 404,
    headers: { "content-type": "application/json" },
  });
}
