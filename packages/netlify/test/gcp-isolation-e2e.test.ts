/// <reference types="node" />
// The deploy-context boundary on Google Cloud, played by an attacker against the emulator (whose principals
// belong to the POOL, as Google's do). Every attack runs twice: against the layout fedkit generated before
// pools per context (one shared pool, subject not pinned, a principalSet for several functions), where it
// WORKS — which is why sharing a pool needs an explicit opt-in — and against today's generated trust, where it
// must be refused. The issuers are real site issuers; the emulator fetches their discovery and JWKS over HTTP.

import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, gcpStateOf, startEmulator } from "@fedkit/emulator";
import {
  type GcpTrustConfig,
  gcpFetch,
  gcpProvider,
  parseProviderName,
  principalSetForAttribute,
} from "@fedkit/gcp";
import { createSiteIssuer, type FedkitConfig, generateIssuerKeys, importIssuerKeySet } from "@fedkit/netlify";
import { gcpCloud } from "@fedkit/netlify/gcp";
import { trustPolicyFor } from "@fedkit/netlify/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  GCP_BODY,
  GCP_BUCKET,
  GCP_EMULATOR_CONFIG,
  GCP_OBJECT,
  GCP_PROJECT_NUMBER,
  GCP_SERVICE_ACCOUNT,
  registerGcpTrust,
} from "./gcp-support.js";
import { serveIssuer } from "./issuer-server.js";
import { SITE_ID } from "./support.js";

type Keys = Awaited<ReturnType<typeof generateIssuerKeys>>;
type Site = Awaited<ReturnType<typeof serveIssuer>>;
const OTHER_SITE = "0f3a4c1e-8d1b-4b8e-9a7e-5c2d7e6f1a01";

describe("GCP deploy-context isolation: attacks against the emulator", () => {
  let emulator: Emulator;
  let production: Keys;
  let preview: Keys;
  let otherKeys: Keys;
  let site: Site;
  let other: Site;

  const siteConfig = (
    siteId: string,
    url: string,
    env: Record<string, string>,
    functions: string[],
  ): FedkitConfig => ({
    siteId,
    siteUrl: url,
    clouds: { gcp: gcpCloud },
    targets: {
      reports: {
        cloud: "gcp",
        projectId: "fedkit-reports",
        projectNumber: GCP_PROJECT_NUMBER,
        serviceAccount: GCP_SERVICE_ACCOUNT,
      },
    },
    functions: Object.fromEntries(functions.map((name) => [name, { reports: {} }])),
    runtime: { env: (name) => env[name] },
  });

  beforeAll(async () => {
    emulator = await startEmulator({ gcp: GCP_EMULATOR_CONFIG });
    [production, preview, otherKeys] = await Promise.all([
      generateIssuerKeys({ context: "production" }),
      generateIssuerKeys({ context: "deploy-preview" }),
      generateIssuerKeys({ context: "production" }),
    ]);
    const env = {
      FEDKIT_ISSUER_KEYS: production.secret,
      FEDKIT_ISSUER_PUBLIC_KEYS: JSON.stringify({ "deploy-preview": { keys: [preview.publicJwk] } }),
    };
    site = await serveIssuer((url) => siteConfig(SITE_ID, url, env, ["report"]));
    other = await serveIssuer((url) =>
      siteConfig(OTHER_SITE, url, { FEDKIT_ISSUER_KEYS: otherKeys.secret }, ["report"]),
    );
  });

  afterAll(async () => {
    await Promise.all([site?.stop(), other?.stop()]);
    await emulator?.stop();
  });

  /** The trust `trustPolicyFor` generates today for a site, context and functions. */
  const generated = (target: Site, context: string, functions = ["report"]) => {
    // Another context's trust is generated for a target naming that context's own service account; these tests
    // register it without the binding, so only the pool and provider matter.
    const reports = { ...target.config.targets["reports"]!, trustContext: context };
    const config = {
      ...target.config,
      targets: { reports },
      functions: Object.fromEntries(functions.map((f) => [f, { reports: {} }])),
    };
    return trustPolicyFor(config, "reports", { context }) as GcpTrustConfig;
  };

  /**
   * What fedkit generated before pools per context, for the same inputs: every context's provider in pool
   * `pool`, no subject pin, and the site's principalSet as member when several functions were mapped.
   */
  const legacy = (target: Site, context: string, pool: string, functions = ["report"]): GcpTrustConfig => {
    const now = generated(target, context, functions);
    const resource = `//iam.googleapis.com/projects/${GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/${pool}/providers/${context === "production" ? "prod" : "preview"}-${target.config.siteId.slice(0, 4)}`;
    const name = parseProviderName(resource);
    const members =
      functions.length === 1
        ? [
            `principal://iam.googleapis.com/projects/${GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/${pool}/subject/${now.pin.subjectPrefix}function:${functions[0]}`,
          ]
        : [principalSetForAttribute(name, "site", target.config.siteId)];
    return {
      ...now,
      poolId: pool,
      workloadIdentityProvider: resource,
      subjectAudience: `https:${resource}`,
      attributeCondition: now.attributeCondition.replace(/ && assertion\.sub\.startsWith\("[^"]*"\)/, ""),
      members,
      serviceAccountBinding: {
        serviceAccount: GCP_SERVICE_ACCOUNT,
        role: "roles/iam.workloadIdentityUser",
        members,
      },
    };
  };

  /** Registers a trust with the emulator; `bind: false` creates the provider without any binding. */
  const register = (trust: GcpTrustConfig, bind = true) => {
    const { serviceAccountBinding, ...rest } = trust;
    registerGcpTrust(emulator, bind ? trust : (rest as GcpTrustConfig));
    return trust;
  };

  /** A token signed with `keys` for `siteId`/`context`; `subject` is what the attacker writes into `sub`. */
  const mint = async (target: Site, context: string, keys: Keys, audience: string, subject?: string) => {
    const issuer = createSiteIssuer({
      siteUrl: target.url,
      siteId: target.config.siteId,
      context,
      keys: { ...(await importIssuerKeySet(keys.secret)), context },
    });
    return issuer.mint({ audience, functionName: "report", ...(subject === undefined ? {} : { subject }) });
  };

  /** Exchanges the token at `providerResource`, impersonates the reader and reads the private object. */
  const readBucket = async (token: Awaited<ReturnType<typeof mint>>, providerResource: string) => {
    const federation = createFederation({ source: staticToken(token), audit: memoryAudit() });
    const provider = gcpProvider({
      audience: providerResource,
      subjectAudience: `https:${providerResource}`,
      serviceAccount: GCP_SERVICE_ACCOUNT,
      stsEndpoint: emulator.urls.gcpSts!,
      iamCredentialsEndpoint: emulator.urls.iamCredentials!,
      allowCustomEndpoint: true,
    });
    const gcs = gcpFetch(federation, provider, { allowedOrigins: [emulator.urls.gcs!] });
    return gcs(
      `${emulator.urls.gcs}/storage/v1/b/${GCP_BUCKET}/o/${encodeURIComponent(GCP_OBJECT)}?alt=media`,
    ).then(
      async (response) => ({ status: response.status, body: await response.text() }),
      (error: unknown) => {
        expect(error).toBeInstanceOf(FederationError);
        return error as FederationError;
      },
    );
  };
  const productionSubject = `site:${SITE_ID}:context:production:function:report`;

  describe("(a) a deploy preview's key forging production's subject", () => {
    it("WORKS against the old shared pool: the preview provider hands out production's principal", async () => {
      register(legacy(site, "production", "legacy-a"));
      const previewProvider = register(legacy(site, "deploy-preview", "legacy-a"), false);
      const token = await mint(
        site,
        "deploy-preview",
        preview,
        previewProvider.subjectAudience,
        productionSubject,
      );
      expect(await readBucket(token, previewProvider.workloadIdentityProvider)).toEqual({
        status: 200,
        body: GCP_BODY,
      });
    });

    it("is refused by today's trust: the preview provider pins the preview subject prefix", async () => {
      register(generated(site, "production"));
      const previewProvider = register(generated(site, "deploy-preview"), false);
      const token = await mint(
        site,
        "deploy-preview",
        preview,
        previewProvider.subjectAudience,
        productionSubject,
      );
      const refused = await readBucket(token, previewProvider.workloadIdentityProvider);
      expect(refused).toMatchObject({ code: "subject_mismatch", cloudCode: "unauthorized_client" });
    });

    it("is refused even by a hand-made unpinned provider in the preview pool: the principal is the preview pool's", async () => {
      const previewTrust = generated(site, "deploy-preview");
      const handmade = register(
        {
          ...previewTrust,
          workloadIdentityProvider: previewTrust.workloadIdentityProvider.replace(/reports$/, "handmade"),
          attributeCondition: `assertion.site_id == "${SITE_ID}"`,
        },
        false,
      );
      const token = await mint(
        site,
        "deploy-preview",
        preview,
        `https:${handmade.workloadIdentityProvider}`,
        productionSubject,
      );
      const refused = await readBucket(token, handmade.workloadIdentityProvider);
      expect(refused).toMatchObject({ code: "access_denied", cloudCode: "PERMISSION_DENIED" });
      // The exchange itself succeeded: it is the pool that keeps the principal apart.
      const principals = [...gcpStateOf(emulator).tokens.values()].map((t) => t.principal);
      expect(principals).toContainEqual(
        expect.objectContaining({
          kind: "federated",
          subject: productionSubject,
          poolPath: expect.stringContaining(previewTrust.poolId),
        }),
      );
    });
  });

  describe("(b) another site forging this site's subject", () => {
    it("WORKS when the other site's provider shares the old pool", async () => {
      register(legacy(site, "production", "legacy-b"));
      const intruder = register(legacy(other, "production", "legacy-b"), false);
      const token = await mint(other, "production", otherKeys, intruder.subjectAudience, productionSubject);
      expect(await readBucket(token, intruder.workloadIdentityProvider)).toEqual({
        status: 200,
        body: GCP_BODY,
      });
    });

    it("is refused by today's trust: the other site's pool is its own, and its provider pins its own subjects", async () => {
      register(generated(site, "production"));
      const intruder = register(generated(other, "production"), false);
      expect(intruder.poolId).not.toBe(generated(site, "production").poolId);
      const token = await mint(other, "production", otherKeys, intruder.subjectAudience, productionSubject);
      expect(await readBucket(token, intruder.workloadIdentityProvider)).toMatchObject({
        code: "subject_mismatch",
      });
      // Opted into this site's pool, the other site's generated provider still cannot name this site's subject.
      const squatter = generated(site, "production");
      const shared = register(
        {
          ...generated(other, "production"),
          workloadIdentityProvider: squatter.workloadIdentityProvider.replace(/reports$/, "squatter"),
        },
        false,
      );
      const forged = await mint(
        other,
        "production",
        otherKeys,
        `https:${shared.workloadIdentityProvider}`,
        productionSubject,
      );
      expect(await readBucket(forged, shared.workloadIdentityProvider)).toMatchObject({
        code: "subject_mismatch",
        cloudCode: "unauthorized_client",
      });
    });
  });

  describe("(c) two functions: an unmodified deploy-preview token", () => {
    it("WORKS against the old principalSet over attribute.site", async () => {
      register(legacy(site, "production", "legacy-c", ["export", "report"]));
      const previewProvider = register(
        legacy(site, "deploy-preview", "legacy-c", ["export", "report"]),
        false,
      );
      const token = await mint(site, "deploy-preview", preview, previewProvider.subjectAudience);
      expect(token.claims["sub"]).toBe(`site:${SITE_ID}:context:deploy-preview:function:report`);
      expect(await readBucket(token, previewProvider.workloadIdentityProvider)).toEqual({
        status: 200,
        body: GCP_BODY,
      });
    });

    it("is refused by today's trust: each function's exact production principal is bound, nothing else", async () => {
      const prod = register(generated(site, "production", ["export", "report"]));
      expect(prod.members).toHaveLength(2);
      const previewProvider = register(generated(site, "deploy-preview", ["export", "report"]), false);
      const token = await mint(site, "deploy-preview", preview, previewProvider.subjectAudience);
      expect(await readBucket(token, previewProvider.workloadIdentityProvider)).toMatchObject({
        code: "access_denied",
        cloudCode: "PERMISSION_DENIED",
      });
    });
  });

  it("production itself still reads through today's trust (the refusals above are not a broken setup)", async () => {
    const trust = register(generated(site, "production"));
    const token = await mint(site, "production", production, trust.subjectAudience);
    expect(await readBucket(token, trust.workloadIdentityProvider)).toEqual({ status: 200, body: GCP_BODY });
  });
});
