/**
 * Cloudflare Workers: tokens from an `oidc_tokens` binding (`env.X.getToken()`). The trust for what
 * `wrangler deploy` prints is `cloudflareWorkersTrust` in `./trust/cloudflare-workers.ts`.
 *
 * The binding signs ES256 by default, RS256 with `"alg": "RS256"` in its config. AWS STS and Google STS accept
 * both; Entra accepts RS256 only, so a Worker federating to Azure needs the RS256 setting. The audience is fixed
 * in the binding's config (one per binding), so the source checks it matches what the cloud expects. The
 * binding is not available in local development yet, and accounts must be enabled for it.
 *
 * @packageDocumentation
 */
import type { SubjectTokenSource } from "@fedkit/core";
import { checkAudience, missing, platformSource } from "./source.js";

/** An `oidc_tokens` binding as the Workers runtime passes it in `env`. @public */
export interface OidcTokenBinding {
  getToken(): Promise<string>;
}

/** The algorithms the binding signs with. @public */
export type WorkersAlgorithm = "ES256" | "RS256";

/** Which cloud accepts which binding algorithm. @public */
export const WORKERS_ALGORITHMS_BY_CLOUD: Readonly<
  Record<"aws" | "gcp" | "azure", readonly WorkersAlgorithm[]>
> = {
  aws: ["ES256", "RS256"],
  gcp: ["ES256", "RS256"],
  azure: ["RS256"],
};

/**
 * Calls `binding.getToken()` for every token request (each call returns a newly signed JWT).
 *
 * @throws FederationError `audience_mismatch` when the binding's audience is not the cloud's.
 * @example
 * ```ts
 * import { workersOidcToken, type OidcTokenBinding } from "@fedkit/platforms";
 * interface Env { AWS_TOKEN: OidcTokenBinding }
 * const sourceFor = (env: Env) => workersOidcToken(env.AWS_TOKEN);
 * ```
 * @public
 */
export function workersOidcToken(binding: OidcTokenBinding): SubjectTokenSource {
  if (typeof binding?.getToken !== "function")
    throw new TypeError("workersOidcToken: pass the oidc_tokens binding from env (e.g. env.AWS_TOKEN)");
  return platformSource("cloudflare-workers", () => binding.getToken(), checkAudience("cloudflare-workers"));
}

/**
 * One binding per audience (a binding has exactly one): picks the binding of each request's audience.
 *
 * @throws MissingSubjectTokenError when no binding has the audience (a chain falls through).
 * @example
 * ```ts
 * import { workersOidcTokens, type OidcTokenBinding } from "@fedkit/platforms";
 * declare const env: { AWS_TOKEN: OidcTokenBinding; AZURE_TOKEN: OidcTokenBinding };
 * const source = workersOidcTokens({ "sts.amazonaws.com": env.AWS_TOKEN, "api://AzureADTokenExchange": env.AZURE_TOKEN });
 * ```
 * @public
 */
export function workersOidcTokens(
  byAudience: Readonly<Record<string, OidcTokenBinding>>,
): SubjectTokenSource {
  const sources = new Map(
    Object.entries(byAudience).map(([audience, binding]) => [audience, workersOidcToken(binding)]),
  );
  return {
    name: "cloudflare-workers",
    getToken(request) {
      const source = sources.get(request.audience);
      if (!source)
        throw missing(
          "cloudflare-workers",
          `No oidc_tokens binding has the audience ${request.audience}.`,
          "Add a binding with this audience to wrangler's oidc_tokens (one audience per binding).",
        );
      return source.getToken(request);
    },
  };
}
