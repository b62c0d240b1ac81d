/// <reference types="node" />
/**
 * Each cloud's rules for a federated token beyond its signature and `exp`, with the cloud's own answers:
 * - AWS finds the OIDC provider by `iss` exactly as written ("No OpenIDConnect provider found in your account for
 *   <iss>" for any other spelling) and refuses a token issued too long ago though not expired ("Token too old").
 * - Google STS requires `iat` and a lifetime under 48 hours.
 * - Entra accepts 5 minutes of clock skew past `exp`, then answers AADSTS700024.
 * The last block runs tokens minted by fedkit's own Netlify site issuer through all three, at the edges of their life.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AssumeRoleWithWebIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// fedkit's real minting code, from its sources (the emulator does not depend on @fedkit/netlify; netlify's tests
// depend on the emulator, so this stays a test-only relative import, as packages/gcp/test does the other way).
import {
  createSiteIssuer,
  discoveryDocument,
  generateIssuerKeys,
  importIssuerKeySet,
  jwksDocument,
  MAX_TOKEN_LIFETIME_SECONDS,
} from "../../issuer/src/index.js";
import { entraState } from "../src/azure/service.js";
import { addGcpProvider, gcpStateOf } from "../src/gcp/index.js";
import { type Emulator, startEmulator } from "../src/index.js";
import { testClock, webIdentityTrust } from "./aws-fixture.js";

const TENANT = "11111111-2222-4333-8444-555555555555";
const APP = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const SUBJECT = "site:s1:context:production:function:report";
const clock = testClock();
let emulator: Emulator;
let gcpAudience: string;
let site: Server;
let siteIssuer: ReturnType<typeof createSiteIssuer>;

beforeAll(async () => {
  const keys = await importIssuerKeySet((await generateIssuerKeys({ context: "production" })).secret);
  site = createServer((req, res) => {
    const issuer = siteIssuer.issuer;
    const body =
      req.url === "/oidc/production/.well-known/openid-configuration"
        ? discoveryDocument(issuer, ["RS256"])
        : req.url === "/oidc/production/.well-known/jwks.json"
          ? jwksDocument(keys.publicKeys)
          : undefined;
    res.writeHead(body ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const port = (site.address() as AddressInfo).port;
  siteIssuer = createSiteIssuer({
    siteUrl: `http://127.0.0.1:${port}`,
    siteId: "s1",
    context: "production",
    keys,
    now: clock.now,
  });

  emulator = await startEmulator(
    {
      aws: { maxWebIdentityTokenAgeSeconds: 7200 },
      gcp: { projectNumber: "123456", pools: [{ poolId: "netlify", providers: [] }] },
      azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: APP }] },
    },
    { now: clock.now },
  );
  for (const issuer of [emulator.idp.issuer, siteIssuer.issuer]) {
    const provider = emulator.aws.createOpenIdConnectProvider({
      url: issuer,
      clientIds: ["sts.amazonaws.com"],
    });
    emulator.aws.putRole({
      name: issuer === emulator.idp.issuer ? "idp" : "site",
      trustPolicy: webIdentityTrust(provider.arn, provider.hostPath, "*"),
    }).arn;
  }
  gcpAudience = addGcpProvider(gcpStateOf(emulator), "netlify", {
    providerId: "site",
    issuerUri: siteIssuer.issuer,
    attributeMapping: { "google.subject": "assertion.sub" },
  });
  entraState(emulator.state).addFederatedCredential(APP, { issuer: siteIssuer.issuer, subject: SUBJECT });
});
afterAll(async () => {
  await emulator?.stop();
  await new Promise((resolve) => site?.close(resolve));
});

const sts = () => new STSClient({ endpoint: emulator.urls.sts, region: "us-east-1", maxAttempts: 1 });
const roleFor = (name: string) => `arn:aws:iam::${emulator.aws.accountId}:role/${name}`;

async function assume(
  token: string,
  role = "idp",
): Promise<{ ok: true } | { name: string; message: string }> {
  try {
    await sts().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: roleFor(role),
        RoleSessionName: "session",
        WebIdentityToken: token,
      }),
    );
    return { ok: true };
  } catch (error) {
    expect(error).toBeInstanceOf(STSServiceException);
    const e = error as STSServiceException;
    return { name: e.name, message: e.message };
  }
}

async function google(token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.urls.gcpSts}/v1/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
      audience: gcpAudience,
      requested_token_type: "urn:ietf:params:oauth:token-type:access_token",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      subject_token: token,
      scope: "https://www.googleapis.com/auth/cloud-platform",
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function entra(token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.urls.entra}/${TENANT}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: APP,
      scope: "https://storage.azure.com/.default",
      grant_type: "client_credentials",
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: token,
    }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const nowSeconds = () => Math.floor(clock.ms / 1000);

describe("AWS: the provider is the one registered for iss exactly", () => {
  it.each([
    ["a trailing slash", (iss: string) => `${iss}/`],
    ["https instead of http", (iss: string) => iss.replace("http://", "https://")],
    ["an upper-case scheme", (iss: string) => iss.replace("http://", "HTTP://")],
    ["another host spelling", (iss: string) => iss.replace("127.0.0.1", "localhost")],
    ["no port", (iss: string) => iss.replace(/:\d+$/, "")],
    ["no scheme", (iss: string) => iss.replace("http://", "")],
  ])("%s: No OpenIDConnect provider found for that spelling", async (_what, spell) => {
    const iss = spell(emulator.idp.issuer);
    const token = await emulator.idp.mint({ sub: "user:a", aud: "sts.amazonaws.com", claims: { iss } });
    expect(await assume(token)).toEqual({
      name: "InvalidIdentityTokenException",
      message: `No OpenIDConnect provider found in your account for ${iss}`,
    });
  });

  it("the exact spelling is found", async () => {
    const token = await emulator.idp.mint({ sub: "user:a", aud: "sts.amazonaws.com" });
    expect(await assume(token)).toEqual({ ok: true });
  });
});

describe("AWS: a token issued too long ago is refused though not expired (Token too old)", () => {
  const minted = (ageSeconds: number) =>
    emulator.idp.mint({
      sub: "user:a",
      aud: "sts.amazonaws.com",
      claims: { iat: nowSeconds() - ageSeconds, exp: nowSeconds() + 3600 },
    });

  it("refuses past the configured age with ExpiredTokenException and the age", async () => {
    expect(await assume(await minted(7201))).toEqual({
      name: "ExpiredTokenException",
      message: "Token too old: 7201",
    });
  });

  it("accepts up to the configured age", async () => {
    expect(await assume(await minted(7200))).toEqual({ ok: true });
  });
});

describe("Google STS: iat is required and the lifetime is under 48 hours", () => {
  let idpAudience: string;
  beforeAll(() => {
    idpAudience = addGcpProvider(gcpStateOf(emulator), "netlify", {
      providerId: "emulator-idp",
      issuerUri: emulator.idp.issuer,
      attributeMapping: { "google.subject": "assertion.sub" },
    });
  });
  const exchange = async (claims: Record<string, unknown>) => {
    const token = await emulator.idp.mint({ sub: SUBJECT, aud: `https:${idpAudience}`, claims });
    const saved = gcpAudience;
    gcpAudience = idpAudience;
    try {
      return await google(token);
    } finally {
      gcpAudience = saved;
    }
  };

  it("refuses exp 48 hours or more after iat with invalid_grant", async () => {
    const iat = nowSeconds();
    const answer = await exchange({ iat, exp: iat + 48 * 3600 });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: "invalid_grant" });
    expect(String(answer.body["error_description"])).toContain("less than 48 hours after iat");
    expect((await exchange({ iat, exp: iat + 48 * 3600 - 1 })).status).toBe(200);
  });

  it("refuses a token without iat", async () => {
    const answer = await exchange({ iat: undefined });
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });

  it("refuses iat in the future beyond the skew", async () => {
    const answer = await exchange({ iat: nowSeconds() + 120, exp: nowSeconds() + 600 });
    expect(answer).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
  });
});

describe("fedkit's Netlify-minted tokens against each cloud's time rules", () => {
  const start = clock.ms;
  const at = (offsetSeconds: number) => {
    clock.ms = start + offsetSeconds * 1000;
  };
  const fresh = async () => {
    at(0);
    return (await siteIssuer.mint({ audience: "sts.amazonaws.com", functionName: "report" })).raw;
  };

  it(`AWS accepts one for its whole ${MAX_TOKEN_LIFETIME_SECONDS} s and refuses it at exp`, async () => {
    const token = await fresh();
    expect(await assume(token, "site")).toEqual({ ok: true });
    at(MAX_TOKEN_LIFETIME_SECONDS - 1);
    expect(await assume(token, "site")).toEqual({ ok: true });
    at(MAX_TOKEN_LIFETIME_SECONDS);
    expect(await assume(token, "site")).toMatchObject({ name: "ExpiredTokenException" });
    at(0);
  });

  it("Google STS accepts one (lifetime well under 48 h, iat present) until exp", async () => {
    at(0);
    const { raw: token } = await siteIssuer.mint({
      audience: `https:${gcpAudience}`,
      functionName: "report",
    });
    expect((await google(token)).status).toBe(200);
    at(MAX_TOKEN_LIFETIME_SECONDS + 31);
    expect(await google(token)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    at(0);
  });

  it("Entra accepts one until 5 minutes past exp (its skew), then AADSTS700024", async () => {
    at(0);
    const { raw: token } = await siteIssuer.mint({
      audience: "api://AzureADTokenExchange",
      subject: SUBJECT,
    });
    expect((await entra(token)).status).toBe(200);
    at(MAX_TOKEN_LIFETIME_SECONDS + 299);
    expect((await entra(token)).status).toBe(200);
    at(MAX_TOKEN_LIFETIME_SECONDS + 300);
    const late = await entra(token);
    expect(late.status).toBe(401);
    expect(late.body["error_codes"]).toEqual([700024]);
    at(0);
  });
});
