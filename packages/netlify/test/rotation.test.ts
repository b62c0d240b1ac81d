/// <reference types="node" />
// Key rotation as the clouds see it: the emulator's STS caches the site's JWKS (jwksCacheSeconds) on a clock
// the test moves, exactly like AWS's verifier cache.

import { awsProvider, awsSessionTagsClaim } from "@fedkit/aws";
import { createFederation, type FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { memoryCache } from "@fedkit/core/cache";
import { type Emulator, startEmulator } from "@fedkit/emulator";
import {
  createSiteIssuer,
  generateIssuerKeys,
  type IssuerKeyDocument,
  importIssuerKeySet,
  promoteNextKey,
  stageNextKey,
} from "@fedkit/netlify";
import { awsCloud } from "@fedkit/netlify/aws";
import { trustPolicyFor } from "@fedkit/netlify/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveIssuer } from "./issuer-server.js";
import { SITE_ID } from "./support.js";

const CACHE_SECONDS = 600;

describe("issuer key rotation against a caching verifier", () => {
  let clock = Date.UTC(2025, 2, 1, 9, 0, 0);
  const now = () => clock;
  let emulator: Emulator;
  let site: Awaited<ReturnType<typeof serveIssuer>>;
  const env: Record<string, string> = {};
  let roleArn: string;

  beforeAll(async () => {
    emulator = await startEmulator(
      { issuers: { jwksCacheSeconds: CACHE_SECONDS, refetchCooldownSeconds: 30 } },
      { now },
    );
    roleArn = `arn:aws:iam::${emulator.aws.accountId}:role/rotating`;
    site = await serveIssuer((url) => ({
      siteId: SITE_ID,
      siteUrl: url,
      clouds: { aws: awsCloud },
      targets: { t: { cloud: "aws", roleArn, region: "eu-west-1" } },
      functions: { report: { t: {} } },
      runtime: { env: (name) => env[name] },
    }));
    emulator.aws.createOpenIdConnectProvider({
      url: `${site.url}/oidc/production`,
      clientIds: ["sts.amazonaws.com"],
    });
    emulator.aws.putRole({ name: "rotating", trustPolicy: trustPolicyFor(site.config, "t") as never });
  });

  afterAll(async () => {
    await site?.stop();
    await emulator?.stop();
  });

  const exchangeWith = async (doc: IssuerKeyDocument) => {
    const issuer = createSiteIssuer({
      siteUrl: site.url,
      siteId: SITE_ID,
      context: "production",
      keys: await importIssuerKeySet(JSON.stringify(doc)),
      now,
    });
    const token = await issuer.mint({
      audience: "sts.amazonaws.com",
      functionName: "report",
      claims: awsSessionTagsClaim({ context: "production" }),
    });
    const federation = createFederation({
      source: staticToken(token),
      audit: memoryAudit(),
      cache: memoryCache(),
      now,
    });
    const provider = awsProvider({
      roleArn,
      region: "eu-west-1",
      endpoint: emulator.urls.sts,
      allowCustomEndpoint: true,
    });
    return federation.getCredentials(provider).then(
      (c) => c.kind,
      (e: FederationError) => e.cloudCode ?? e.code,
    );
  };

  it("stages, promotes and retires a key: overlap verifies, a removed key past the cache time is refused", async () => {
    const a = await generateIssuerKeys({ context: "production", kid: "key-a" });
    const b = await generateIssuerKeys({ context: "production", kid: "key-b" });
    env["FEDKIT_ISSUER_KEYS"] = a.secret;
    expect(await exchangeWith(a.document)).toBe("aws"); // the verifier now caches [a]

    env["FEDKIT_ISSUER_KEYS"] = JSON.stringify(stageNextKey(a.document, b.publicJwk)); // publish b, a still signs
    clock += 24 * 3600_000; // ≥ 24 h later every cache has seen b
    expect(await exchangeWith(a.document)).toBe("aws");

    const promoted = promoteNextKey(a.document, b.document); // b signs, a stays published as previous
    env["FEDKIT_ISSUER_KEYS"] = JSON.stringify(promoted);
    expect(await exchangeWith(b.document)).toBe("aws");
    expect(await exchangeWith(a.document)).toBe("aws"); // a token a signed during the overlap still verifies

    env["FEDKIT_ISSUER_KEYS"] = b.secret; // a removed from the JWKS
    expect(await exchangeWith(a.document)).toBe("aws"); // the verifier's cache still holds a: why a waits out the cache
    clock += (CACHE_SECONDS + 60) * 1000;
    expect(await exchangeWith(b.document)).toBe("aws");
    expect(await exchangeWith(a.document)).toBe("InvalidIdentityToken"); // a leaked old key is useless now
  });
});
