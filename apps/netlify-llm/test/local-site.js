// This site on Netlify's own edge runtime (Deno, from npm) against @fedkit/emulator's Anthropic on 127.0.0.1: no
// Anthropic account, no API key. A throwaway issuer key per deploy context is generated in memory, and the emulator
// registers the federation issuer and rule that `trustPolicyFor(config, "claude")` prints for the real console, so
// it trusts the site exactly as Anthropic would: keys by OIDC discovery from the site's /oidc/production.

import { fileURLToPath } from "node:url";
import { addSaasService, startEmulator } from "@fedkit/emulator";
import { generateIssuerKeys } from "@fedkit/netlify";
import { serveLocalSite } from "@fedkit/netlify/node";
import { trustPolicyFor } from "@fedkit/netlify/trust";

const siteDir = fileURLToPath(new URL("..", import.meta.url));
export const RULE_ID = "fdrl_01local";
export const ORGANIZATION_ID = "00000000-0000-0000-0000-00000000a11e";

/**
 * Starts the emulator and the site. `output` receives the site's log lines (the audit events among them).
 * @param {{ output?: (line: string) => void }} [options]
 */
export async function startLocalSite(options = {}) {
  const { default: config } = await import("../netlify/fedkit.config.js");
  const emulator = await startEmulator({ saas: {} });
  const anthropicUrl = `${emulator.urls.saas}/anthropic`;
  const production = await generateIssuerKeys({ context: "production" });
  const preview = await generateIssuerKeys({ context: "deploy-preview" });
  const site = await serveLocalSite({
    siteDir,
    siteId: config.siteId,
    // What you set with `netlify env:set` on a real site, pointed at the emulator.
    env: (url) => ({
      FEDKIT_CONTEXT: "production",
      FEDKIT_SITE_URL: url,
      FEDKIT_SITE_ID: config.siteId,
      FEDKIT_ISSUER_KEYS: production.secret,
      FEDKIT_ISSUER_PUBLIC_KEYS: JSON.stringify({ "deploy-preview": { keys: [preview.publicJwk] } }),
      FEDKIT_ANTHROPIC_BASE_URL: anthropicUrl,
      ANTHROPIC_FEDERATION_RULE_ID: RULE_ID,
      ANTHROPIC_ORGANIZATION_ID: ORGANIZATION_ID,
    }),
    ...(options.output ? { output: options.output } : {}),
  });
  // What README step 4 does in Anthropic's console: the issuer and the rule, generated from the config.
  const trust = /** @type {import("@fedkit/oauth/anthropic").AnthropicTrust} */ (
    trustPolicyFor({ ...config, siteUrl: site.url }, "claude")
  );
  addSaasService(emulator, {
    name: "anthropic",
    preset: "anthropic",
    organizationId: ORGANIZATION_ID,
    issuers: [
      {
        issuer: trust.federationIssuer.issuer_url,
        maxLifetimeSeconds: trust.federationIssuer.max_jwt_lifetime_seconds,
      },
    ],
    bindings: [
      {
        id: RULE_ID,
        issuer: trust.federationIssuer.issuer_url,
        subject: trust.federationRule.match.subject_prefix,
        audience: trust.federationRule.match.audience,
        scope: trust.federationRule.oauth_scope,
        tokenLifetimeSeconds: trust.federationRule.token_lifetime_seconds,
      },
    ],
  });
  return {
    site,
    emulator,
    anthropicUrl,
    preview,
    async stop() {
      await site.stop();
      await emulator.stop();
    },
  };
}
