// issuerRoutes is @fedkit/issuer's fetch handler fed from Netlify's context and env: the deploy context picks
// which key set is served from the private variable, discovery advertises the claims of the configured clouds
// only, and failures become Netlify-style error responses.
import { AWS_TAGS_CLAIM } from "@fedkit/aws";
import { type FedkitConfig, generateIssuerKeys, issuerRoutes } from "@fedkit/netlify";
import { awsCloud } from "@fedkit/netlify/aws";
import { describe, expect, it } from "vitest";

const SITE_URL = "https://reports.example.com";

function config(env: Record<string, string>, clouds: FedkitConfig["clouds"]): FedkitConfig {
  return {
    siteId: "5b0c2a71",
    siteUrl: SITE_URL,
    targets: {},
    functions: {},
    ...(clouds === undefined ? {} : { clouds }),
    runtime: { env: (name) => env[name] },
  };
}

describe("issuerRoutes over @fedkit/issuer", () => {
  it("advertises the AWS session-tag claim only when the AWS plugin is configured", async () => {
    const production = await generateIssuerKeys({ context: "production", kid: "p1" });
    const env = { FEDKIT_ISSUER_KEYS: production.secret };
    const url = `${SITE_URL}/oidc/production/.well-known/openid-configuration`;
    const deploy = { deploy: { context: "production" } };
    const withAws = await issuerRoutes(config(env, { aws: awsCloud }))(new Request(url), deploy);
    expect((await withAws.json()).claims_supported).toContain(AWS_TAGS_CLAIM);
    const without = await issuerRoutes(config(env, undefined))(new Request(url), deploy);
    expect((await without.json()).claims_supported).not.toContain(AWS_TAGS_CLAIM);
  });

  it("serves the running deploy context's keys, and refuses production's key set in a deploy preview", async () => {
    const production = await generateIssuerKeys({ context: "production", kid: "p1" });
    const routes = issuerRoutes(config({ FEDKIT_ISSUER_KEYS: production.secret }, undefined));
    const jwks = (context: string) =>
      routes(new Request(`${SITE_URL}/oidc/${context}/.well-known/jwks.json`), {
        requestId: "req-1",
        deploy: { context },
      });
    const served = await jwks("production");
    expect((await served.json()).keys.map((k: { kid: string }) => k.kid)).toEqual(["p1"]);
    const refused = await jwks("deploy-preview");
    expect(refused.status).toBe(500);
    const text = await refused.text();
    expect(JSON.parse(text).error).toMatchObject({ code: "config", requestId: "req-1" });
    expect(text).not.toContain(String(production.document.keys[0]!["d"]));
  });
});
