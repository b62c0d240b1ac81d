/// <reference types="node" />
// End to end through Netlify's local edge runtime (Deno): the sample's /chat mints a token with the production key,
// the emulated Anthropic fetches the site's discovery and JWKS over HTTP, checks the generated rule, and the
// bearer reaches the echo API. /unmapped is refused before any token is minted; a deploy preview's token is
// refused by production's rule; every step is audited without a secret in the output.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { saasStateOf } from "@fedkit/emulator";
import { createSiteIssuer, importIssuerKeySet } from "@fedkit/netlify";
import { anthropicProvider } from "@fedkit/oauth/anthropic";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORGANIZATION_ID, RULE_ID, startLocalSite } from "./local-site.js";

const built = ["core", "netlify", "oauth"].every((name) =>
  existsSync(fileURLToPath(new URL(`../../../packages/${name}/dist/index.js`, import.meta.url))),
);
const SITE_ID = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";

describe.skipIf(!built)("netlify-llm on the local edge runtime against the emulated Anthropic", () => {
  let local: Awaited<ReturnType<typeof startLocalSite>>;
  const output: string[] = [];
  const audit = () =>
    output
      .map((line) => line.slice(line.indexOf("{")))
      .filter((line) => line.includes('"source":"fedkit"'))
      .map(
        (line) =>
          JSON.parse(line) as { type?: string; correlationId?: string; labels?: Record<string, string> },
      );

  beforeAll(async () => {
    local = await startLocalSite({ output: (line) => output.push(line) });
  }, 90_000);
  afterAll(() => local?.stop());

  it("answers /chat through a federated bearer: the function's own subject, audited, no token printed", async () => {
    const response = await fetch(`${local.site.url}/chat?q=hello`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ answer: "echo: hello" });
    const issued = [...saasStateOf(local.emulator).tokens.values()].at(-1);
    expect(issued).toMatchObject({
      service: "anthropic",
      binding: RULE_ID,
      issuer: `${local.site.url}/oidc/production`,
      subject: `site:${SITE_ID}:context:production:function:chat`,
    });
    expect(audit().some((e) => e.type === "exchange" && e.labels?.["function"] === "chat")).toBe(true);
    const printed = output.join("\n");
    expect(printed).not.toMatch(/eyJ[\w-]{10,}\./);
    expect(printed).not.toMatch(/sk-ant-oat01-/);
  }, 60_000);

  it("refuses /unmapped with policy_refused before any exchange, and audits the refusal", async () => {
    const exchanges = saasStateOf(local.emulator).calls.get("anthropic") ?? 0;
    const response = await fetch(`${local.site.url}/unmapped`, {
      headers: { "x-nf-request-id": "req-llm-1" },
    });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "policy_refused", requestId: "req-llm-1" } });
    expect(saasStateOf(local.emulator).calls.get("anthropic") ?? 0).toBe(exchanges);
    expect(audit().some((e) => e.type === "refusal" && e.correlationId === "req-llm-1")).toBe(true);
  }, 30_000);

  it("refuses a deploy preview's token at production's rule, and a preview key posing as production", async () => {
    const keys = await importIssuerKeySet(local.preview.secret);
    const exchange = async (context: string) => {
      const issuer = createSiteIssuer({
        siteUrl: local.site.url,
        siteId: SITE_ID,
        context,
        keys: { ...keys, context },
      });
      const token = await issuer.mint({ audience: "https://api.anthropic.com", functionName: "chat" });
      const federation = createFederation({ source: staticToken(token), audit: memoryAudit() });
      const claude = anthropicProvider({
        federationRuleId: RULE_ID,
        organizationId: ORGANIZATION_ID,
        baseUrl: local.anthropicUrl,
        allowedOrigins: [new URL(local.anthropicUrl).origin],
      });
      return federation.getCredentials(claude).then(
        () => undefined,
        (e: unknown) => e as FederationError,
      );
    };
    const preview = await exchange("deploy-preview");
    expect(preview).toBeInstanceOf(FederationError);
    expect(preview?.cloudCode).toBe("invalid_grant");
    const forged = await exchange("production");
    expect(forged).toBeInstanceOf(FederationError);
    expect(forged?.cloudCode).toBe("invalid_grant");
    const causes = saasStateOf(local.emulator)
      .refusals.slice(-2)
      .map((r) => r.cause);
    expect(causes[0]).toMatch(/issuer|rule|match/i);
    expect(causes[1]).toMatch(/signature|key|kid/i);
  }, 30_000);
});
