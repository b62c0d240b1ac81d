// The Azure form of trustPolicyFor, and the built-in plugin's defaults: the runtime mints exactly the subject
// the federated credential trusts, because both come from the same config.

import { FederationError } from "@fedkit/core";
import { type FedkitConfig, generateIssuerKeys, withFedkit } from "@fedkit/netlify";
import { azureCloud } from "@fedkit/netlify/azure";
import { type AzureTrustPolicy, trustPolicyFor } from "@fedkit/netlify/trust";
import { afterEach, describe, expect, it, vi } from "vitest";

const SITE_ID = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";

function config(
  overrides: Record<string, unknown> = {},
  functions?: FedkitConfig["functions"],
): FedkitConfig {
  return {
    siteId: SITE_ID,
    siteUrl: "https://reports.example.com",
    clouds: { azure: azureCloud },
    targets: { blobs: { cloud: "azure", clientId: CLIENT, tenantId: TENANT, ...overrides } },
    functions: functions ?? { blob: { blobs: {} }, archive: { blobs: {} } },
  };
}

const trust = (c: FedkitConfig, context?: string) =>
  trustPolicyFor(c, "blobs", context === undefined ? {} : { context }) as AzureTrustPolicy;

describe("trustPolicyFor, Azure form", () => {
  it("is one federated credential for the site and context by default, however many functions are mapped", () => {
    const [only, ...rest] = trust(config());
    expect(rest).toEqual([]);
    expect(only?.credential).toEqual({
      name: `fedkit-site-${SITE_ID}-context-production`,
      issuer: "https://reports.example.com/oidc/production",
      subject: `site:${SITE_ID}:context:production`,
      audiences: ["api://AzureADTokenExchange"],
      description: `fedkit: Netlify site ${SITE_ID}, production deploys`,
    });
    expect(JSON.parse(only!.json)).toEqual(only?.credential);
    expect(only?.command).toBe(
      `az ad app federated-credential create --id '${CLIENT}' --parameters '${JSON.stringify(only?.credential)}'`,
    );
  });

  it("follows the deploy context: a deploy preview's own app gets its own issuer and subject", () => {
    const [preview] = trust(config({ trustContext: "deploy-preview" }), "deploy-preview");
    expect(preview?.credential.issuer).toBe("https://reports.example.com/oidc/deploy-preview");
    expect(preview?.credential.subject).toBe(`site:${SITE_ID}:context:deploy-preview`);
  });

  it("refuses to put a deploy preview's credential on production's app", () => {
    expect(() => trust(config(), "deploy-preview")).toThrow(
      /names the production app registration; trust for deploy context "deploy-preview" on it would let deploy-preview code act as production/,
    );
  });

  it("gives one credential per mapped function with the function form, and honours audience overrides", () => {
    const policy = trust(config({ subject: "function", audience: "api://fedkit-reports" }));
    expect(policy.map((p) => p.credential.subject)).toEqual([
      `site:${SITE_ID}:context:production:function:archive`,
      `site:${SITE_ID}:context:production:function:blob`,
    ]);
    expect(policy.every((p) => p.credential.audiences[0] === "api://fedkit-reports")).toBe(true);
  });

  it("uses the audience of the sovereign cloud named by authorityHost", () => {
    const [gov] = trust(config({ authorityHost: "https://login.microsoftonline.us" }));
    expect(gov?.credential.audiences).toEqual(["api://AzureADTokenExchangeUSGov"]);
    const scope = { siteId: "s", context: "production", targetName: "blobs" };
    expect(azureCloud.audience({ cloud: "azure", clientId: CLIENT, tenantId: TENANT }, scope)).toBe(
      "api://AzureADTokenExchange",
    );
  });

  it("refuses per-user grants, unmapped targets, more than 20 credentials and plain-http issuers", () => {
    const refused = (c: FedkitConfig) => {
      try {
        trust(c);
      } catch (error) {
        return error as FederationError;
      }
      throw new Error("expected a refusal");
    };
    const user = refused(config({}, { blob: { blobs: { identity: "user" } } }));
    expect(user).toBeInstanceOf(FederationError);
    expect(user).toMatchObject({ code: "config", message: expect.stringMatching(/per-user/) });
    expect(user.hint).toMatch(/identity "function"/);
    expect(refused(config({}, { other: {} }))).toMatchObject({ code: "config", hint: expect.any(String) });
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, { blobs: {} }]));
    const tooMany = refused(config({ subject: "function" }, many));
    expect(tooMany.message).toMatch(/21 federated credentials.*at most 20/);
    expect(tooMany.hint).toMatch(/site subject form/);
    const http = refused({ ...config(), siteUrl: "http://127.0.0.1:8888" });
    expect(http).toMatchObject({ code: "config", hint: expect.stringMatching(/https/) });
    expect(http.cause).toBeInstanceOf(TypeError);
  });
});

describe("the built-in Azure plugin at runtime", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it("mints the site+context subject the credential trusts, with the Entra audience", async () => {
    const keys = await generateIssuerKeys({ context: "production" });
    const sent: { url: string; body: URLSearchParams; authorization: string | null }[] = [];
    // The exchange and the client's blob request both use the global fetch, looked up at call time.
    vi.stubGlobal("fetch", async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      const body = new URLSearchParams(await request.text());
      sent.push({ url: request.url, body, authorization: request.headers.get("authorization") });
      if (request.url.includes("/oauth2/v2.0/token")) {
        return Response.json({ token_type: "Bearer", expires_in: 3599, access_token: "storage-token" });
      }
      return new Response("blob body");
    });
    const env = (name: string) => (name === "FEDKIT_ISSUER_KEYS" ? keys.secret : undefined);
    const site = { ...config(), runtime: { env } };
    const handler = withFedkit({ ...site, function: "blob" }, async (_request, fedkit) =>
      fedkit.client<(url: string) => Promise<Response>>("blobs")(
        "https://acct.blob.core.windows.net/c/a.txt",
      ),
    );
    const response = await handler(new Request("https://reports.example.com/blob"), {
      requestId: "req-1",
      deploy: { context: "production" },
    } as never);
    expect(await response.text()).toBe("blob body");
    const tokenCall = sent.find((s) => s.url.includes("/oauth2/v2.0/token"));
    expect(tokenCall?.url).toBe(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    expect(tokenCall?.body.get("client_id")).toBe(CLIENT);
    const assertion = tokenCall?.body.get("client_assertion") ?? "";
    const claims = JSON.parse(atob(assertion.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/")));
    const [credential] = trust(config());
    expect(claims.iss).toBe(credential?.credential.issuer);
    expect(claims.sub).toBe(credential?.credential.subject);
    expect(claims.aud).toBe("api://AzureADTokenExchange");
    expect(sent.at(-1)).toMatchObject({
      url: "https://acct.blob.core.windows.net/c/a.txt",
      authorization: "Bearer storage-token",
    });
  });
});
