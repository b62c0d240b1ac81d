import { FederationError } from "@fedkit/core";
import { type GcpProvider, gcpPoolId, gcpTrustConfig } from "@fedkit/gcp";
import type { FedkitConfig } from "@fedkit/netlify";
import { type GcpTargetConfig, gcpCloud } from "@fedkit/netlify/gcp";
import { type GcpTrustConfig, trustPolicyFor } from "@fedkit/netlify/trust";
import { describe, expect, it } from "vitest";
import { SITE_ID } from "./support.js";

const PROJECT = "123456789012";
const poolPath = (context: string) =>
  `//iam.googleapis.com/projects/${PROJECT}/locations/global/workloadIdentityPools/${gcpPoolId(SITE_ID, context)}`;
const LEGACY =
  "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/providers/reports-prod";
const SA = "reader@my-project.iam.gserviceaccount.com";
const reports: GcpTargetConfig = {
  cloud: "gcp",
  projectId: "my-project",
  projectNumber: PROJECT,
  serviceAccount: SA,
};
const config: FedkitConfig = {
  siteId: SITE_ID,
  siteUrl: "https://reports.example.com",
  clouds: { gcp: gcpCloud },
  targets: {
    reports,
    pools: { ...reports, poolId: { production: "reports-prod", "deploy-preview": "reports-preview" } },
    legacy: {
      cloud: "gcp",
      projectId: "my-project",
      poolId: "netlify",
      providerId: "reports-prod",
      projectNumber: PROJECT,
    },
    "legacy-opt-in": {
      cloud: "gcp",
      projectId: "my-project",
      projectNumber: PROJECT,
      poolId: "netlify",
      providerId: { production: "reports-prod", "deploy-preview": "reports-preview" },
      allowSharedPool: true,
    },
    "one-provider": {
      cloud: "gcp",
      projectId: "my-project",
      workloadIdentityProvider: LEGACY,
      allowSharedPool: true,
    },
    repeated: {
      ...reports,
      poolId: { production: "same-pool", "deploy-preview": "same-pool" },
      providerId: { production: "a-prod", "deploy-preview": "a-prev" },
    },
    custom: { ...reports, audience: "fedkit-reports", allowedAudiences: ["other-audience"] },
    users: { ...reports },
    coarse: { ...reports, subject: "site" },
    nobody: { ...reports },
    noproject: { cloud: "gcp", projectNumber: PROJECT },
    nonumber: { cloud: "gcp", projectId: "my-project" },
  },
  functions: {
    report: {
      reports: {},
      pools: {},
      legacy: {},
      "legacy-opt-in": {},
      "one-provider": {},
      repeated: {},
      custom: {},
      coarse: {},
      noproject: {},
      nonumber: {},
    },
    export: { reports: {} },
    files: { users: { identity: "user" } },
  },
};
/** The trust for `target` in `context`; for another context than production the target names that context's own
 * service account (`trustContext`), as a user's config would. */
const trustOf = (target: string, context?: string) => {
  const own =
    context === undefined
      ? config
      : {
          ...config,
          targets: { ...config.targets, [target]: { ...config.targets[target]!, trustContext: context } },
        };
  return trustPolicyFor(own, target, context ? { context } : {}) as GcpTrustConfig;
};
const errorOf = (run: () => unknown): FederationError => {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(FederationError);
    return e as FederationError;
  }
  throw new Error("expected a FederationError");
};

describe("trustPolicyFor, GCP form", () => {
  it("gives each deploy context its own pool, pins the subject and binds each function's exact principal", () => {
    const trust = trustOf("reports");
    const prefix = `site:${SITE_ID}:context:production:`;
    expect(trust.workloadIdentityProvider).toBe(`${poolPath("production")}/providers/reports`);
    expect(trust.poolId).toBe(gcpPoolId(SITE_ID, "production"));
    expect(trust.subjectAudience).toBe(`https:${trust.workloadIdentityProvider}`);
    expect(trust.issuerUri).toBe("https://reports.example.com/oidc/production");
    expect(trust.attributeCondition).toBe(
      `assertion.site_id == "${SITE_ID}" && assertion.context == "production" && assertion.sub.startsWith("${prefix}") && assertion.function in ["export", "report"]`,
    );
    const principal = (fn: string) => `principal:${poolPath("production")}/subject/${prefix}function:${fn}`;
    expect(trust.members).toEqual([principal("export"), principal("report")]);
    expect(trust.serviceAccountBinding).toEqual({
      serviceAccount: SA,
      role: "roles/iam.workloadIdentityUser",
      members: trust.members,
    });
    expect(trust.gcloud).toHaveLength(4);
    expect(trust.gcloud[3]).toBe(
      `gcloud iam service-accounts add-iam-policy-binding '${SA}' --project='my-project' --role=roles/iam.workloadIdentityUser --member='${principal("report")}'`,
    );
    const preview = trustOf("reports", "deploy-preview");
    expect(preview.workloadIdentityProvider).toBe(`${poolPath("deploy-preview")}/providers/reports`);
    expect(preview.poolId).not.toBe(trust.poolId);
    expect(preview.members.every((m) => m.startsWith(`principal:${poolPath("deploy-preview")}/`))).toBe(true);
  });

  it("is exactly gcpTrustConfig fed from the fedkit config (one source, no drift)", () => {
    expect(trustOf("reports", "deploy-preview")).toEqual(
      gcpTrustConfig({
        projectId: "my-project",
        projectNumber: PROJECT,
        providerId: "reports",
        issuerUri: "https://reports.example.com/oidc/deploy-preview",
        pin: { site: SITE_ID, context: "deploy-preview", function: ["export", "report"] },
        serviceAccount: SA,
      }),
    );
  });

  it("refuses a deploy preview's binding on production's service account, but not a pool-only target", () => {
    expect(() => trustPolicyFor(config, "reports", { context: "deploy-preview" })).toThrow(
      /names the production service account; trust for deploy context "deploy-preview"/,
    );
    const direct = { cloud: "gcp", projectId: "my-project", projectNumber: PROJECT } as GcpTargetConfig;
    const pools = { ...config, targets: { direct }, functions: { report: { direct: {} } } };
    const preview = trustPolicyFor(pools, "direct", { context: "deploy-preview" }) as GcpTrustConfig;
    expect(preview.poolId).toBe(gcpPoolId(SITE_ID, "deploy-preview"));
    expect(preview.serviceAccountBinding).toBeUndefined();
  });

  it("takes pool ids per context", () => {
    expect(trustOf("pools").poolId).toBe("reports-prod");
    expect(trustOf("pools", "deploy-preview").poolId).toBe("reports-preview");
    // A context the record does not name falls back to its derived pool.
    expect(trustOf("pools", "branch-deploy").poolId).toBe(gcpPoolId(SITE_ID, "branch-deploy"));
  });

  it.each([
    ["legacy", "production", /which other deploy contexts share/, "allowSharedPool"],
    ["repeated", "production", /which other deploy contexts share/, "allowSharedPool"],
    [
      "legacy",
      "deploy-preview",
      /^fedkit: gcp target "legacy" uses one provider \(.*\) for deploy contexts "deploy-preview" and "production"\.$/,
      "its own pool",
    ],
  ])("refuses the shared layout of %s (%s)", (target, context, message, hint) => {
    const error = errorOf(() => trustOf(target, context));
    expect(error.code).toBe("config");
    expect(error.message).toMatch(message);
    expect(error.hint).toContain(hint);
  });

  it("the shared-pool refusal names this context's derived pool", () => {
    expect(errorOf(() => trustOf("repeated", "deploy-preview")).hint).toContain(
      gcpPoolId(SITE_ID, "deploy-preview"),
    );
  });

  it("accepts a shared pool only with the opt-in, one provider per context, and still pins the subject", () => {
    const preview = trustOf("legacy-opt-in", "deploy-preview");
    expect(preview.poolId).toBe("netlify");
    expect(preview.workloadIdentityProvider).toMatch(/\/providers\/reports-preview$/);
    expect(preview.attributeCondition).toContain(
      `assertion.sub.startsWith("site:${SITE_ID}:context:deploy-preview:")`,
    );
    expect(trustOf("one-provider").workloadIdentityProvider).toBe(LEGACY);
    // One provider for two contexts is refused even with the opt-in: a provider trusts one issuer.
    expect(errorOf(() => trustOf("one-provider", "deploy-preview")).message).toMatch(
      /one provider .* for deploy contexts "deploy-preview" and "production"/,
    );
  });

  it("a custom token audience becomes an allowed audience, and the runtime mints for that same audience", () => {
    const trust = trustOf("custom");
    expect(trust.allowedAudiences).toEqual(["fedkit-reports", "other-audience"]);
    expect(trust.gcloud[1]).toContain("--allowed-audiences='fedkit-reports,other-audience'");
    const scope = { siteId: SITE_ID, context: "production" };
    expect(
      gcpCloud.audience(config.targets["custom"] as GcpTargetConfig, { ...scope, targetName: "custom" }),
    ).toBe("fedkit-reports");
    expect(gcpCloud.audience(reports, { ...scope, targetName: "reports" })).toBe(
      trustOf("reports").subjectAudience,
    );
    expect(gcpCloud.audience(reports, { ...scope, context: "deploy-preview", targetName: "reports" })).toBe(
      trustOf("reports", "deploy-preview").subjectAudience,
    );
  });

  it.each([
    ["noproject", /no projectId/],
    ["nonumber", /needs projectNumber/],
    ["users", /per-user grants or the "site" subject form/],
    ["coarse", /per-user grants or the "site" subject form/],
    ["nobody", /no function is mapped/],
  ])("target %s is a clear config error", (target, message) => {
    const error = errorOf(() => trustOf(target));
    expect(error.code).toBe("config");
    expect(error.message).toMatch(message);
    expect(error.hint).toBeTruthy();
  });
});

describe("gcpCloud plugin", () => {
  const env = () => undefined;
  const build = (target: GcpTargetConfig, context = "production", durationSeconds?: number) =>
    gcpCloud.provider({
      target,
      targetName: "reports",
      durationSeconds,
      env,
      siteId: SITE_ID,
      context,
    }) as GcpProvider;

  it("uses the pool of the RUNNING deploy context, and impersonates with the mapping's lifetime cap", () => {
    const provider = build(reports, "production", 900);
    expect(provider.cloud).toBe("gcp");
    expect(provider.workloadIdentityProvider).toBe(`${poolPath("production")}/providers/reports`);
    expect(provider.serviceAccount).toBe(SA);
    expect(provider.audience).toBe(`https:${provider.workloadIdentityProvider}`);
    expect(provider.key).toContain("900");
    expect(build(reports, "deploy-preview").workloadIdentityProvider).toBe(
      `${poolPath("deploy-preview")}/providers/reports`,
    );
    // A service account is the production one unless trustContext says otherwise; without one, the pool
    // (per context) is the whole trust.
    const scope = { siteId: SITE_ID, context: "deploy-preview", targetName: "reports" };
    expect(gcpCloud.trustContext?.(reports, scope)).toBe("production");
    expect(gcpCloud.trustContext?.({ ...reports, trustContext: "deploy-preview" }, scope)).toBe(
      "deploy-preview",
    );
    const { serviceAccount: _, ...direct } = reports;
    expect(gcpCloud.trustContext?.(direct as GcpTargetConfig, scope)).toBe("deploy-preview");
  });

  it("refuses a shared layout at run time too, needs the project number, and custom endpoints need the opt-in", () => {
    expect(() => build({ cloud: "gcp", projectNumber: PROJECT, poolId: "netlify" })).toThrow(
      /which other deploy contexts share/,
    );
    expect(() => build({ cloud: "gcp", poolId: "netlify-pool" })).toThrow(/needs projectNumber/);
    expect(() => build({ ...reports, stsEndpoint: "http://127.0.0.1:1" })).toThrow(FederationError);
    expect(build({ ...reports, stsEndpoint: "http://127.0.0.1:1", allowCustomEndpoint: true }).cloud).toBe(
      "gcp",
    );
    // A target with its own token source is not the site issuer: no context layout to enforce.
    const source = { name: "other", getToken: async () => ({}) as never };
    expect(build({ cloud: "gcp", workloadIdentityProvider: LEGACY, source }).workloadIdentityProvider).toBe(
      LEGACY,
    );
  });

  it("its client sends the bearer to Google's hosts only, unless an origin is opted into", async () => {
    const provider = build(reports);
    const sent: { url: string; auth: string | null }[] = [];
    const credentials = {
      getCredentials: async () =>
        ({ kind: "access-token", token: "ya29.test", tokenType: "Bearer", expiresAt: 0 }) as never,
    };
    const fetch = async (url: string | URL | Request, init?: RequestInit) => {
      sent.push({ url: String(url), auth: new Headers(init?.headers).get("authorization") });
      return new Response("ok");
    };
    const gcs = gcpCloud.client(credentials, provider, { target: reports, fetch });
    await gcs("https://storage.googleapis.com/storage/v1/b/b/o/a?alt=media");
    await expect(gcs("http://127.0.0.1:9/storage/v1/b/b/o/a")).rejects.toMatchObject({
      code: "endpoint_refused",
    });
    const local = gcpCloud.client(credentials, provider, {
      target: { ...reports, allowedOrigins: ["http://127.0.0.1:9"] },
      fetch,
    });
    await local("http://127.0.0.1:9/storage/v1/b/b/o/a");
    expect(sent).toEqual([
      { url: "https://storage.googleapis.com/storage/v1/b/b/o/a?alt=media", auth: "Bearer ya29.test" },
      { url: "http://127.0.0.1:9/storage/v1/b/b/o/a", auth: "Bearer ya29.test" },
    ]);
  });
});
