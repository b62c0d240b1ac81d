/**
 * The Cloudflare Workers adapter: `fedkitWorker(options, handler)` is the Worker's default export. Tokens come
 * from the `oidc_tokens` binding when `env` has it, else from the site-as-issuer (`@fedkit/issuer`) whose
 * discovery and JWKS the Worker then serves itself; background refreshes and audit writes go through
 * `ctx.waitUntil`. One federation per isolate, so credentials are reused across requests.
 *
 * A Worker's preview URLs run the same code with the same bindings and secrets: a preview cannot be told from
 * production by its token. Deploy production as its own Worker when that matters.
 *
 * @packageDocumentation
 */
import { createFederation, type Federation, type SubjectTokenSource } from "@fedkit/core";
import { createSiteIssuer, issuerHandler, publishedKeys, siteIssuerSource } from "@fedkit/issuer";
import { type RequestFederation, requestFederation } from "../bound.js";
import { type OidcTokenBinding, workersOidcTokens } from "../cloudflare-workers.js";
import type { AdapterFederationOptions } from "../shared-federation.js";

/** The Workers `ctx` (declared here rather than imported from `@cloudflare/workers-types`). @public */
export interface WorkersContext {
  waitUntil(work: Promise<unknown>): void;
}

/** The site-as-issuer, for Workers without an `oidc_tokens` binding. @public */
export interface WorkersIssuerOptions {
  /** The Worker's public origin (`https://reports.example.com`); issuers are `<siteUrl>/oidc/<context>`. */
  readonly siteUrl: string;
  /** A stable id of the Worker (the subject's `site:` segment). */
  readonly siteId: string;
  /** The context this Worker runs as (default `production`): give each Worker its own. */
  readonly context?: string;
  /** The secret holding this context's key set (default `FEDKIT_ISSUER_KEYS`). */
  readonly keysVariable?: string;
  /** The variable holding other contexts' public keys (default `FEDKIT_ISSUER_PUBLIC_KEYS`). */
  readonly publicKeysVariable?: string;
  /** The function name in minted subjects (default `worker`). */
  readonly functionName?: string;
}

/** Options of {@link fedkitWorker}. @public */
export interface FedkitWorkerOptions {
  /**
   * The `oidc_tokens` bindings by audience (`{ "sts.amazonaws.com": "AWS_TOKEN" }`), or a function of `env`
   * returning them (when an audience is configuration); used whenever `env` has them.
   */
  readonly bindings?:
    | Readonly<Record<string, string>>
    | ((env: Record<string, unknown>) => Readonly<Record<string, string>>);
  /** The site-as-issuer used when the bindings are absent, or a function of `env` returning its options. */
  readonly issuer?: WorkersIssuerOptions | ((env: Record<string, unknown>) => WorkersIssuerOptions);
  /** Federation options (cache, audit, fetch, ...); the source and scheduler are the adapter's. */
  readonly federation?: AdapterFederationOptions;
}

/** A Worker handler given the request-bound federation. @public */
export type FedkitWorkerHandler<Env> = (
  request: Request,
  env: Env,
  fedkit: RequestFederation,
  ctx: WorkersContext,
) => Response | Promise<Response>;

type Vars = Record<string, unknown>;

/**
 * Builds the Worker's `fetch` export.
 *
 * @example
 * ```ts
 * import { fedkitWorker } from "@fedkit/platforms/cloudflare-workers";
 * export default fedkitWorker({ bindings: { "sts.amazonaws.com": "AWS_TOKEN" } }, async (_request, _env, fedkit) =>
 *   new Response(`tokens from ${fedkit.source.name}`),
 * );
 * ```
 * @public
 */
export function fedkitWorker<Env extends object>(
  options: FedkitWorkerOptions,
  handler: FedkitWorkerHandler<Env>,
): { fetch(request: Request, env: Env, ctx: WorkersContext): Promise<Response> } {
  if (!options.bindings && !options.issuer)
    throw new TypeError("fedkitWorker: name the oidc_tokens bindings, the issuer, or both");
  let federation: Federation | undefined;
  let isolateSource: SubjectTokenSource | undefined;
  let discovery: ((request: Request) => Promise<Response>) | undefined;
  return {
    async fetch(request, env, ctx) {
      const vars = env as Vars;
      const bound = boundBindings(options.bindings, vars);
      if (!bound && options.issuer && new URL(request.url).pathname.startsWith("/oidc/")) {
        discovery ??= issuerDiscovery(resolveIssuer(options.issuer, vars), vars);
        return discovery(request);
      }
      federation ??= createFederation(options.federation);
      isolateSource ??= bound ? workersOidcTokens(bound) : issuerSource(options, vars);
      const fedkit = requestFederation(federation, {
        source: isolateSource,
        scheduler: (work) => ctx.waitUntil(work),
        ...(request.headers.get("cf-ray") ? { correlationId: request.headers.get("cf-ray")! } : {}),
      });
      return handler(request, env, fedkit, ctx);
    },
  };
}

/** The bindings `env` has, by audience; `undefined` when it has none (local development, account not enabled). */
function boundBindings(
  names: FedkitWorkerOptions["bindings"],
  vars: Vars,
): Record<string, OidcTokenBinding> | undefined {
  const found: Record<string, OidcTokenBinding> = {};
  for (const [audience, name] of Object.entries((typeof names === "function" ? names(vars) : names) ?? {})) {
    const binding = vars[name] as OidcTokenBinding | undefined;
    if (typeof binding?.getToken === "function") found[audience] = binding;
  }
  return Object.keys(found).length > 0 ? found : undefined;
}

function text(vars: Vars, name: string): string | undefined {
  const value = vars[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function resolveIssuer(issuer: NonNullable<FedkitWorkerOptions["issuer"]>, vars: Vars): WorkersIssuerOptions {
  return typeof issuer === "function" ? issuer(vars) : issuer;
}

function issuerSource(options: FedkitWorkerOptions, vars: Vars): SubjectTokenSource {
  const issuer = options.issuer ? resolveIssuer(options.issuer, vars) : undefined;
  if (!issuer)
    throw new TypeError("fedkitWorker: env has none of the oidc_tokens bindings and no issuer is configured");
  const variable = issuer.keysVariable ?? "FEDKIT_ISSUER_KEYS";
  const keys = text(vars, variable);
  if (!keys)
    throw new TypeError(`fedkitWorker: set the secret ${variable} (wrangler secret put ${variable})`);
  const site = createSiteIssuer({
    siteUrl: issuer.siteUrl,
    siteId: issuer.siteId,
    context: issuer.context ?? "production",
    keys,
  });
  return siteIssuerSource(site, { functionName: issuer.functionName ?? "worker" });
}

function issuerDiscovery(issuer: WorkersIssuerOptions, vars: Vars): (request: Request) => Promise<Response> {
  const running = issuer.context ?? "production";
  const keySetVariable = issuer.keysVariable ?? "FEDKIT_ISSUER_KEYS";
  return issuerHandler({
    siteUrl: issuer.siteUrl,
    publicKeys: (context) =>
      publishedKeys(context, {
        running,
        keySet: text(vars, keySetVariable),
        keySetVariable,
        otherContexts: text(vars, issuer.publicKeysVariable ?? "FEDKIT_ISSUER_PUBLIC_KEYS"),
      }),
  });
}
