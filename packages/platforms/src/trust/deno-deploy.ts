/**
 * Deno Deploy trust: one app in one context (`deployment:ORG/APP/CONTEXT`, docs.deno.com/deploy/reference/oidc).
 *
 * @packageDocumentation
 */
import { type PlatformTrust, platformTrust } from "./platform-trust.js";

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
 * import { denoDeployTrust } from "@fedkit/platforms/trust";
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
