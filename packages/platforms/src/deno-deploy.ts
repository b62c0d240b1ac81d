/**
 * Deno Deploy: tokens from the user's own `getIdToken(audience)` (`jsr:@deno/oidc`, published on JSR only, so
 * fedkit takes the function instead of depending on it); the trust is `./trust/deno-deploy.ts`.
 *
 * Subject grammar (docs.deno.com/deploy/reference/oidc): `deployment:ORG/APP/CONTEXT`; tokens live 5 minutes.
 * The algorithm is not fixed here: the page names both RS256 and ES256, and the clouds read it from the JWKS.
 *
 * @packageDocumentation
 */
import type { SubjectTokenSource } from "@fedkit/core";
import { checkAudience, platformSource } from "./source.js";

/** `getIdToken` of `jsr:@deno/oidc`. @public */
export type DenoGetIdToken = (audience: string) => Promise<string>;

/**
 * Calls `getIdToken(audience)` for every token request and checks the answer carries that audience.
 *
 * @example
 * ```ts
 * import { denoDeployToken } from "@fedkit/platforms";
 * declare const getIdToken: (audience: string) => Promise<string>; // import { getIdToken } from "jsr:@deno/oidc"
 * const source = denoDeployToken(getIdToken);
 * ```
 * @public
 */
export function denoDeployToken(getIdToken: DenoGetIdToken): SubjectTokenSource {
  if (typeof getIdToken !== "function")
    throw new TypeError('denoDeployToken: pass getIdToken from "jsr:@deno/oidc"');
  return platformSource("deno-deploy", ({ audience }) => getIdToken(audience), checkAudience("deno-deploy"));
}
