import { discoveryDocument, jwksDocument } from "./documents.js";
import { ISSUER_PROVIDER } from "./errors.js";
import { issuerUrl } from "./issuer-url.js";
import { importIssuerKeySet, type PublicJwk } from "./keyset.js";
import { ISSUER_CACHE_SECONDS } from "./limits.js";

const ROUTE = /^\/oidc\/([a-z0-9][a-z0-9-]{0,62})\/\.well-known\/(openid-configuration|jwks\.json)$/;

/** Options of {@link issuerHandler}. @public */
export interface IssuerHandlerOptions {
  /** The production origin from configuration (never a request's `Host`); issuers are `<siteUrl>/oidc/<context>`. */
  readonly siteUrl: string;
  /** The public keys to publish for a context, or `undefined` for a 404. */
  readonly publicKeys: (
    context: string,
  ) => readonly PublicJwk[] | undefined | Promise<readonly PublicJwk[] | undefined>;
  /** Claims clouds add through the mint hook, advertised in discovery. */
  readonly claimsSupported?: readonly string[];
  /** Contexts never published. Default `["dev"]`: local keys are trusted by no cloud. */
  readonly unpublished?: readonly string[];
  /** Maps a failure to a response (default: a 500 naming only the error code). */
  readonly onError?: (error: unknown, request: Request) => Response;
}

/**
 * A web-standard `fetch` handler serving each issuer's discovery document and JWKS at
 * `/oidc/<context>/.well-known/{openid-configuration,jwks.json}` (GET and HEAD). Public members only.
 *
 * @example
 * ```ts
 * const handler = issuerHandler({ siteUrl: "https://reports.example.com", publicKeys: () => keySet.publicKeys });
 * const response = await handler(new Request("https://reports.example.com/oidc/production/.well-known/jwks.json"));
 * ```
 * @public
 */
export function issuerHandler(options: IssuerHandlerOptions): (request: Request) => Promise<Response> {
  const unpublished = new Set(options.unpublished ?? ["dev"]);
  return async (request) => {
    const match = ROUTE.exec(new URL(request.url).pathname);
    if (match === null || (request.method !== "GET" && request.method !== "HEAD")) return notFound();
    const [, context, document] = match as unknown as [string, string, string];
    if (unpublished.has(context)) return notFound();
    try {
      const keys = await options.publicKeys(context);
      if (keys === undefined) return notFound();
      const body =
        document === "jwks.json"
          ? jwksDocument(keys)
          : discoveryDocument(
              issuerUrl(options.siteUrl, context),
              keys.map((k) => k.alg),
              options.claimsSupported,
            );
      return new Response(request.method === "HEAD" ? null : JSON.stringify(body), {
        headers: {
          "content-type": document === "jwks.json" ? "application/jwk-set+json" : "application/json",
          "cache-control": `public, max-age=${ISSUER_CACHE_SECONDS}`,
          "access-control-allow-origin": "*",
        },
      });
    } catch (error) {
      if (options.onError) return options.onError(error, request);
      const code = (error as { code?: unknown })?.code;
      return Response.json(
        { error: { code: typeof code === "string" ? code : "internal", provider: ISSUER_PROVIDER } },
        { status: 500 },
      );
    }
  };
}

/** Where {@link publishedKeys} finds the keys of each context. @public */
export interface PublishedKeysInput {
  /** The context this deployment runs as: its keys come from its own key set (public halves only). */
  readonly running: string;
  /** The running context's key-set value. */
  readonly keySet: string | undefined;
  /** The key-set variable's name, for error messages. */
  readonly keySetVariable?: string;
  /** The other contexts' public keys: `{"deploy-preview": {"keys": [...]}, ...}` as text. */
  readonly otherContexts: string | undefined;
}

/**
 * The keys to publish for `wanted`: the running context's from its own key set (refused if the set is of
 * another context), other contexts' from the public-keys value; private members never.
 *
 * @example
 * ```ts
 * const keys = await publishedKeys("deploy-preview", { running: "production", keySet, otherContexts });
 * ```
 * @public
 */
export async function publishedKeys(
  wanted: string,
  input: PublishedKeysInput,
): Promise<readonly PublicJwk[] | undefined> {
  if (wanted === input.running) {
    const set = await importIssuerKeySet(input.keySet, input.keySetVariable, input.running);
    return set.publicKeys;
  }
  if (input.otherContexts === undefined) return undefined;
  let map: Record<string, { keys?: PublicJwk[] }>;
  try {
    map = JSON.parse(input.otherContexts);
  } catch {
    return undefined;
  }
  const keys = map !== null && Object.hasOwn(map, wanted) ? map[wanted]?.keys : undefined;
  if (!Array.isArray(keys)) return undefined;
  return keys.filter((k) => !("d" in k)).map((k) => k as PublicJwk);
}

function notFound(): Response {
  return new Response(JSON.stringify({ error: { code: "not_found" } }), {
    status: 404,
    headers: { "content-type": "application/json" },
  });
}
