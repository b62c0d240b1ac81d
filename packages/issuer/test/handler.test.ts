// The discovery/JWKS routes as a plain web-standard fetch handler: no Netlify context, no platform globals.
import { describe, expect, it } from "vitest";
import { generateIssuerKeys } from "../src/generate.js";
import { issuerHandler, publishedKeys } from "../src/handler.js";
import { importIssuerKeySet } from "../src/keyset.js";

const SITE = "https://reports.example.com";

describe("issuerHandler on a plain Request", () => {
  it("serves discovery and a JWKS of public members only, with cache and content headers", async () => {
    const generated = await generateIssuerKeys({ context: "production", kid: "p1" });
    const set = await importIssuerKeySet(generated.secret);
    const handler = issuerHandler({
      siteUrl: SITE,
      publicKeys: (context) => (context === "production" ? set.publicKeys : undefined),
      claimsSupported: ["https://cloud.example/tags"],
    });
    const jwks = await handler(new Request(`${SITE}/oidc/production/.well-known/jwks.json`));
    expect(jwks.status).toBe(200);
    expect(jwks.headers.get("content-type")).toBe("application/jwk-set+json");
    expect(jwks.headers.get("cache-control")).toBe("public, max-age=300");
    const text = await jwks.text();
    expect(JSON.parse(text).keys.map((k: { kid: string }) => k.kid)).toEqual(["p1"]);
    expect(text).not.toContain('"d"');

    // The issuer comes from siteUrl, never from the request's host.
    const discovery = await handler(
      new Request("https://attacker.example/oidc/production/.well-known/openid-configuration"),
    );
    const body = await discovery.json();
    expect(body.issuer).toBe(`${SITE}/oidc/production`);
    expect(body.jwks_uri).toBe(`${SITE}/oidc/production/.well-known/jwks.json`);
    expect(body.claims_supported).toContain("https://cloud.example/tags");

    const head = await handler(
      new Request(`${SITE}/oidc/production/.well-known/jwks.json`, { method: "HEAD" }),
    );
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("answers 404 for unknown contexts, dev, other paths and other methods", async () => {
    const calls: string[] = [];
    const handler = issuerHandler({
      siteUrl: SITE,
      publicKeys: (context) => {
        calls.push(context);
        return context === "production" ? [] : undefined;
      },
    });
    const status = async (path: string, method = "GET") =>
      (await handler(new Request(`${SITE}${path}`, { method }))).status;
    expect(await status("/oidc/deploy-preview/.well-known/jwks.json")).toBe(404);
    expect(await status("/oidc/dev/.well-known/jwks.json")).toBe(404);
    expect(await status("/oidc/production/.well-known/other.json")).toBe(404);
    expect(await status("/oidc/production/.well-known/jwks.json", "POST")).toBe(404);
    expect(await status("/oidc/production/.well-known/jwks.json")).toBe(200);
    expect(calls).toEqual(["deploy-preview", "production"]); // dev is never even looked up
  });

  it("maps failures through onError, and by default names only the code", async () => {
    const failing = () => Promise.reject(Object.assign(new Error("secret-ish detail"), { code: "config" }));
    const plain = issuerHandler({ siteUrl: SITE, publicKeys: failing });
    const response = await plain(new Request(`${SITE}/oidc/production/.well-known/jwks.json`));
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe("config");
    expect(text).not.toContain("secret-ish");
    const mapped = issuerHandler({
      siteUrl: SITE,
      publicKeys: failing,
      onError: () => new Response("mapped", { status: 503 }),
    });
    expect((await mapped(new Request(`${SITE}/oidc/production/.well-known/jwks.json`))).status).toBe(503);
  });
});

describe("publishedKeys", () => {
  it("publishes the running context from its key set and refuses a key set of another context", async () => {
    const production = await generateIssuerKeys({ context: "production", kid: "p1" });
    const keys = await publishedKeys("production", {
      running: "production",
      keySet: production.secret,
      otherContexts: undefined,
    });
    expect(keys?.map((k) => k.kid)).toEqual(["p1"]);
    await expect(
      publishedKeys("deploy-preview", {
        running: "deploy-preview",
        keySet: production.secret,
        otherContexts: undefined,
      }),
    ).rejects.toMatchObject({ code: "config", keySetContext: "production", deployContext: "deploy-preview" });
  });

  it("publishes other contexts from the public-keys value, dropping private members", async () => {
    const preview = await generateIssuerKeys({ context: "deploy-preview", kid: "dp1" });
    const otherContexts = JSON.stringify({
      "deploy-preview": { keys: [preview.document.keys[0], preview.publicJwk] },
    });
    const keys = await publishedKeys("deploy-preview", {
      running: "production",
      keySet: undefined,
      otherContexts,
    });
    expect(keys).toHaveLength(1);
    expect(keys?.[0]).not.toHaveProperty("d");
    expect(
      await publishedKeys("branch-deploy", { running: "production", keySet: undefined, otherContexts }),
    ).toBe(undefined);
    expect(
      await publishedKeys("deploy-preview", {
        running: "production",
        keySet: undefined,
        otherContexts: "{nope",
      }),
    ).toBe(undefined);
  });
});
