/**
 * Deno Deploy: tokens from the user's own `getIdToken(audience)` (`jsr:@deno/oidc`, published on JSR only, so
 * fedkit takes the function instead of depending on it), and the trust of one app and context.
 *
 * Subject grammar (docs.deno.com/deploy/reference/oidc): `deployment:ORG/APP/CONTEXT`; tokens live 5 minutes.
 * The algorithm is not fixed here: the page names both RS256 and ES256, and the clouds read it from the JWKS.
 *
 * @packageDocumentation
 */
import type { SubjectTokenSource } from "@fedkit/core";
import { checkAudience, platformSource } from "./source.js";
import { type PlatformTrust, platformTrust } from "./trust.js";

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

/** A Deno Deploy app in one context. @public */
export interface DenoDeployIdentity {
  readonly org: string;
  readonly app: string;
  /** `production`, `preview`, or a custom context. */
  readonly context: string;
  /** The app's id (`app_id`), which a rename does not change. */
  readonly appId: string;
  /** Default `https://oidc.deno.com`. */
  readonly issuer?: string;
}

/**
 * The trust of one app in one context: each context is its own `sub`, so a preview cannot act as production.
 *
 * @example
 * ```ts
 * import { denoDeployTrust } from "@fedkit/platforms";
 * const trust = denoDeployTrust({ org: "acme", app: "reports", appId: "a1", context: "production" });
 * ```
 * @public
 */
export function denoDeployTrust(identity: DenoDeployIdentity): PlatformTrust {
  const { org, app, context } = identity;
  if (/[*?:/]/.test(org + app + context) || !org || !app || !context || !identity.appId)
    throw new TypeError("denoDeployTrust: org, app, appId and context are exact values");
  const subject = `deployment:${org}/${app}/${context}`;
  return platformTrust({
    platform: "deno-deploy",
    issuer: identity.issuer ?? "https://oidc.deno.com",
    subject,
    awsSubject: subject,
    gcpPins: { app_id: identity.appId, context_name: context },
    gcpPrincipal: { attribute: "app_id", value: identity.appId },
    context,
    contexts: "separate",
    entraNote: "Entra matches sub exactly and it contains the org and app slugs: renaming either breaks it.",
  });
}
