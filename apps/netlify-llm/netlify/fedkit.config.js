// @ts-check
// The one source of truth for fedkit on this site: the edge functions enforce it at runtime and
// `trustPolicyFor(config, "claude")` turns it into what to register at Anthropic (federation issuer and rule), so
// the two cannot drift. Plain JavaScript so Node scripts and Deno (the edge) both import it.
import { anthropicCloud } from "@fedkit/netlify/anthropic";

// Netlify.env on Netlify (edge and functions), process.env in Node scripts. Never touch `process` in Deno.
const runtime = /** @type {any} */ (globalThis);
/** @param {string} name @returns {string | undefined} */
const env = (name) =>
  (runtime.Netlify ? runtime.Netlify.env.get(name) : runtime.process?.env?.[name]) || undefined;

/** Anthropic's API, or the local emulator's stand-in for it (`npm run local`). */
export const anthropicUrl = env("FEDKIT_ANTHROPIC_BASE_URL") ?? "https://api.anthropic.com";
const local = anthropicUrl !== "https://api.anthropic.com";

/** @type {import("@fedkit/netlify").FedkitConfig} */
const config = {
  // Replace with your site's id (Site configuration > Site details > Site ID) and production origin.
  siteId: env("FEDKIT_SITE_ID") ?? "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11",
  siteUrl: "https://fedkit-llm.netlify.app",
  // The services this site uses; only these are bundled into its functions.
  clouds: { anthropic: anthropicCloud },
  targets: {
    claude: {
      cloud: "anthropic",
      // From the console once the federation rule exists (README step 4).
      federationRuleId: env("ANTHROPIC_FEDERATION_RULE_ID") ?? "fdrl_01replace",
      organizationId: env("ANTHROPIC_ORGANIZATION_ID") ?? "00000000-0000-0000-0000-000000000000",
      // Only for the local emulator: its origin must be opted into explicitly, for the exchange and the API.
      ...(local ? { baseUrl: anthropicUrl, allowedOrigins: [new URL(anthropicUrl).origin] } : {}),
    },
  },
  functions: {
    // `chat` may use the `claude` target. `unmapped` is deliberately absent.
    chat: { claude: {} },
  },
};

export default config;
