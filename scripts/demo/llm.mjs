// The SaaS part of `npm run demo`: apps/netlify-llm on Netlify's local edge runtime calls the emulated Anthropic
// API with no API key stored. The emulator registers the federation issuer and rule that trustPolicyFor prints for
// Anthropic's console (keys by OIDC discovery from the site), exchanges the site's token (RFC 7523 jwt-bearer) and
// answers /v1/messages only with the bearer it issued. Standalone: `node scripts/demo/llm.mjs [--serve]`.
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { auditCollector, bold, checks, dim, load, printAudit, root, untilInterrupted } from "./lib.mjs";

const appDir = join(root, "apps", "netlify-llm");
// @fedkit/oauth is the sample's dependency, not @fedkit/netlify's: resolve it as the sample does.
const fromApp = createRequire(join(appDir, "package.json"));
const loadFromApp = (name) => import(pathToFileURL(fromApp.resolve(name)).href);

/**
 * Runs the LLM demo and returns whether every step behaved as expected.
 * @param {{ serve?: boolean }} [options]
 */
export async function runLlmDemo({ serve = false } = {}) {
  const { startLocalSite, RULE_ID, ORGANIZATION_ID } = await import(
    pathToFileURL(join(appDir, "test", "local-site.js")).href
  );
  const { createFederation, staticToken } = await load("@fedkit/core");
  const { memoryAudit } = await load("@fedkit/core/audit");
  const { createSiteIssuer, importIssuerKeySet } = await load("@fedkit/netlify");
  const { trustPolicyFor } = await load("@fedkit/netlify/trust");
  const { anthropicProvider } = await loadFromApp("@fedkit/oauth/anthropic");
  const { saasStateOf } = await load("@fedkit/emulator");
  const { check, ok } = checks();
  const audit = auditCollector(serve);

  console.log(
    bold("\nfedkit demo, SaaS: a Netlify edge function calls the Anthropic API with no API key stored\n"),
  );
  const local = await startLocalSite({ output: audit.output });
  try {
    const { default: config } = await import(pathToFileURL(join(appDir, "netlify", "fedkit.config.js")).href);
    console.log(`emulator: Anthropic ${local.anthropicUrl}`);
    console.log(`site:     ${local.site.url} (production issuer ${local.site.url}/oidc/production)\n`);
    console.log(dim('what to register at Anthropic (from trustPolicyFor(config, "claude")):'));
    console.log(
      dim(JSON.stringify(trustPolicyFor({ ...config, siteUrl: local.site.url }, "claude"), null, 2)),
      "\n",
    );

    const chat = await fetch(`${local.site.url}/chat?q=hello`, {
      headers: { "x-nf-request-id": "demo-chat-1" },
    });
    const answer = await chat.json();
    check(
      "GET /chat answers through a federated bearer (no API key anywhere)",
      chat.status === 200 && answer.answer === "echo: hello",
      `${chat.status} ${JSON.stringify(answer)}`,
    );
    const issued = [...saasStateOf(local.emulator).tokens.values()].at(-1);
    check(
      "the bearer acts for the chat function's own subject",
      issued?.subject === `site:${config.siteId}:context:production:function:chat`,
      issued?.subject ?? "no token issued",
    );

    const unmapped = await fetch(`${local.site.url}/unmapped`, {
      headers: { "x-nf-request-id": "demo-llm-2" },
    });
    const refused = await unmapped.json();
    check(
      "GET /unmapped is refused (not mapped to the target)",
      unmapped.status === 403 && refused.error?.code === "policy_refused",
      `${unmapped.status} ${JSON.stringify(refused)}`,
    );

    // A deploy preview has its own key and issuer; production's rule does not accept what it mints.
    const previewKeys = await importIssuerKeySet(local.preview.secret);
    const issuer = createSiteIssuer({
      siteUrl: local.site.url,
      siteId: config.siteId,
      context: "deploy-preview",
      keys: { ...previewKeys, context: "deploy-preview" },
    });
    const token = await issuer.mint({ audience: "https://api.anthropic.com", functionName: "chat" });
    const claude = anthropicProvider({
      federationRuleId: RULE_ID,
      organizationId: ORGANIZATION_ID,
      baseUrl: local.anthropicUrl,
      allowedOrigins: [new URL(local.anthropicUrl).origin],
    });
    const error = await createFederation({ source: staticToken(token), audit: memoryAudit() })
      .getCredentials(claude)
      .then(
        () => undefined,
        (e) => e,
      );
    check(
      "a deploy preview's token is refused by production's rule",
      error?.cloudCode === "invalid_grant",
      `${error?.code} (${error?.cloudCode}): ${error?.hint ?? ""}`.slice(0, 160),
    );

    const events = await printAudit(audit.lines, "audit events the site printed (no token in them):");
    check(
      "the exchange and the refusal are audited without a secret",
      events.some((e) => e.type === "exchange") &&
        events.some((e) => e.type === "refusal") &&
        !audit.lines.some((l) => /eyJ[\w-]{10,}\.|sk-ant-oat01-/.test(l)),
    );
    if (serve) {
      console.log(`\nserving: curl '${local.site.url}/chat?q=hello'  (Ctrl-C to stop)`);
      await untilInterrupted();
    }
  } finally {
    await local.stop();
  }
  return ok();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exit((await runLlmDemo({ serve: process.argv.includes("--serve") })) ? 0 : 1);
}
