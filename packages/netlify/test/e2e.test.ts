/// <reference types="node" />
// End to end through Netlify's own local edge runtime (Deno): the sample site mints tokens with its production
// key set, the emulator's STS fetches the site's discovery and JWKS over HTTP as AWS does, and S3 verifies SigV4.

import { awsProvider } from "@fedkit/aws";
import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, startEmulator } from "@fedkit/emulator";
import { createSiteIssuer, generateIssuerKeys, importIssuerKeySet } from "@fedkit/netlify";
import { type LocalSite, serveLocalSite } from "@fedkit/netlify/node";
import { trustPolicyFor } from "@fedkit/netlify/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import sampleConfig from "../../../apps/netlify-aws-s3/netlify/fedkit.config.js";
import {
  BUCKET,
  builtPackagesPresent,
  fedkitAudit,
  OBJECT_BODY,
  OBJECT_KEY,
  READ_POLICY,
  ROLE_NAME,
  SAMPLE_DIR,
  SITE_ID,
  sampleIssuerEnv,
} from "./support.js";

const built = builtPackagesPresent();

describe.skipIf(!built)("sample site on the local edge runtime against the emulator", () => {
  let emulator: Emulator;
  let site: LocalSite;
  const output: string[] = [];
  let preview: Awaited<ReturnType<typeof generateIssuerKeys>>;
  let roleArn: string;

  beforeAll(async () => {
    emulator = await startEmulator({
      // The sample site signs for eu-west-1 (apps/netlify-aws-s3/netlify/fedkit.config.js): its bucket lives there.
      aws: { buckets: [{ name: BUCKET, region: "eu-west-1", objects: { [OBJECT_KEY]: OBJECT_BODY } }] },
    });
    const production = await generateIssuerKeys({ context: "production" });
    preview = await generateIssuerKeys({ context: "deploy-preview" });
    roleArn = `arn:aws:iam::${emulator.aws.accountId}:role/${ROLE_NAME}`;
    site = await serveLocalSite({
      siteDir: SAMPLE_DIR,
      siteId: SITE_ID,
      output: (line) => output.push(line),
      env: (url) => ({
        ...sampleIssuerEnv(url, production, preview),
        FEDKIT_AWS_STS_ENDPOINT: emulator.urls.sts,
        REPORTS_BUCKET_URL: `${emulator.urls.s3}/${BUCKET}`,
        REPORTS_ROLE_ARN: roleArn,
      }),
    });
    const config = { ...sampleConfig, siteId: SITE_ID, siteUrl: site.url };
    for (const context of ["production", "deploy-preview"]) {
      emulator.aws.createOpenIdConnectProvider({
        url: `${site.url}/oidc/${context}`,
        clientIds: ["sts.amazonaws.com"],
      });
    }
    emulator.aws.putRole({
      name: ROLE_NAME,
      trustPolicy: trustPolicyFor(
        { ...config, targets: { reports: { ...config.targets["reports"]!, roleArn } } },
        "reports",
      ) as never,
      permissionPolicies: [READ_POLICY as never],
    });
  }, 90_000);

  afterAll(async () => {
    await site?.stop();
    await emulator?.stop();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${site.url}${path}`, init);

  it("streams the private object through the mapped edge function", async () => {
    const response = await get("/report");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(OBJECT_BODY);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    const session = [...emulator.state.aws.sessions.values()].at(-1)!;
    expect(session.webIdentity?.sub).toBe(`site:${SITE_ID}:context:production:function:report`);
    expect(session.tags).toMatchObject({ site: SITE_ID, context: "production", function: "report" });
    const audit = fedkitAudit(output);
    expect(audit.some((e) => e.type === "exchange" && e.labels?.function === "report")).toBe(true);
    expect(output.join("\n")).not.toMatch(/eyJ[\w-]{10,}\./);
  }, 60_000);

  it("refuses the unmapped function with policy_refused before any token is minted", async () => {
    const sessions = emulator.state.aws.sessions.size;
    const response = await get("/unmapped", { headers: { "x-nf-request-id": "req-unmapped-1" } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: "policy_refused", requestId: "req-unmapped-1" } });
    expect(emulator.state.aws.sessions.size).toBe(sessions);
    expect(output.some((l) => l.includes('"type":"refusal"') && l.includes("req-unmapped-1"))).toBe(true);
  }, 30_000);

  it("serves discovery and a production-only JWKS with Cache-Control; dev is never published", async () => {
    const discovery = await get("/oidc/production/.well-known/openid-configuration");
    expect(discovery.headers.get("cache-control")).toMatch(/max-age=\d+/);
    expect(await discovery.json()).toMatchObject({
      issuer: `${site.url}/oidc/production`,
      jwks_uri: `${site.url}/oidc/production/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ["RS256"],
    });
    const jwks = (await (await get("/oidc/production/.well-known/jwks.json")).json()) as {
      keys: { kid: string; d?: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).not.toContain(preview.publicJwk.kid);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const previewJwks = (await (await get("/oidc/deploy-preview/.well-known/jwks.json")).json()) as {
      keys: { kid: string }[];
    };
    expect(previewJwks.keys.map((k) => k.kid)).toEqual([preview.publicJwk.kid]);
    expect((await get("/oidc/dev/.well-known/jwks.json")).status).toBe(404);
  }, 30_000);

  it("refuses a deploy-preview token at the production role, and a preview key posing as production", async () => {
    const keys = await importIssuerKeySet(preview.secret);
    const exchange = async (context: string) => {
      const issuer = createSiteIssuer({
        siteUrl: site.url,
        siteId: SITE_ID,
        context,
        keys: { ...keys, context },
      });
      const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
      const federation = createFederation({ source: staticToken(token), audit: memoryAudit() });
      const provider = awsProvider({
        roleArn,
        region: "eu-west-1",
        endpoint: emulator.urls.sts,
        allowCustomEndpoint: true,
      });
      return federation.getCredentials(provider).then(
        () => undefined,
        (e: unknown) => e as FederationError,
      );
    };
    const refused = await exchange("deploy-preview");
    expect(refused).toBeInstanceOf(FederationError);
    expect(refused?.cloudCode).toBe("AccessDenied");
    const forged = await exchange("production");
    expect(forged).toBeInstanceOf(FederationError);
    expect(forged?.cloudCode).toBe("InvalidIdentityToken");
  }, 30_000);
});
