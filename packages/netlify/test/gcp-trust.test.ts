import { FederationError } from "@fedkit/core";
import { type GcpProvider, gcpTrustConfig } from "@fedkit/gcp";
import { type FedkitConfig, trustPolicyFor } from "@fedkit/netlify";
import { type GcpTargetConfig, type GcpTrustConfig, gcpCloud } from "@fedkit/netlify/gcp";
import { describe, expect, it } from "vitest";
import { SITE_ID } from "./support.js";

const PROVIDER =
  "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/providers/reports-prod";
const SA = "reader@my-project.iam.gserviceaccount.com";
const reports: GcpTargetConfig = {
  cloud: "gcp",
  projectId: "my-project",
  projectNumber: "123456789012",
  poolId: "netlify",
  providerId: "reports-prod",
  serviceAccount: SA,
};
const config: FedkitConfig = {
  siteId: SITE_ID,
  siteUrl: "https://reports.example.com",
  clouds: { gcp: gcpCloud },
  targets: {
    reports,
    shared: { cloud: "gcp", projectId: "my-project", workloadIdentityProvider: PROVIDER },
    custom: { ...reports, audience: "fedkit-reports", allowedAudiences: ["other-audience"] },
    users: { ...reports },
    coarse: { ...reports, subject: "site" },
    nobody: { ...reports },
    noproject: { cloud: "gcp", workloadIdentityProvider: PROVIDER },
  },
  functions: {
    report: { reports: {}, shared: {}, custom: {}, coarse: {}, noproject: {} },
    export: { shared: {} },
    files: { users: { identity: "user" } },
  },
};
const trustOf = (target: string, context?: string) =>
  trustPolicyFor(config, target, context ? { context } : {}) as GcpTrustConfig;

describe("trustPolicyFor, GCP form", () => {
  it("pins site, context and the one mapped function; binds that exact subject to the service account", () => {
    const trust = trustOf("reports");
    const subject = `site:${SITE_ID}:context:production:function:report`;
    expect(trust.workloadIdentityProvider).toBe(PROVIDER);
    expect(trust.subjectAudience).toBe(`https:${PROVIDER}`);
    expect(trust.issuerUri).toBe("https://reports.example.com/oidc/production");
    expect(trust.allowedAudiences).toEqual([]);
    expect(trust.attributeMapping).toEqual({
      "google.subject": "assertion.sub",
      "attribute.site": "assertion.site_id",
      "attribute.context": "assertion.context",
      "attribute.function": "assertion.function",
    });
    expect(trust.attributeCondition).toBe(
      `assertion.site_id == "${SITE_ID}" && assertion.context == "production" && assertion.function == "report"`,
    );
    const member = `principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/subject/${subject}`;
    expect(trust.serviceAccountBinding).toEqual({
      serviceAccount: SA,
      role: "roles/iam.workloadIdentityUser",
      member,
    });
    expect(trust.gcloud).toHaveLength(3);
    expect(trust.gcloud[1]).toContain("--issuer-uri='https://reports.example.com/oidc/production'");
    expect(trust.gcloud[1]).toContain(`--attribute-condition='${trust.attributeCondition}'`);
    expect(trust.gcloud[2]).toBe(
      `gcloud iam service-accounts add-iam-policy-binding '${SA}' --project='my-project' --role=roles/iam.workloadIdentityUser --member='${member}'`,
    );
    expect(trust.json.binding).toEqual({ role: "roles/iam.workloadIdentityUser", members: [member] });
  });

  it("is exactly gcpTrustConfig fed from the fedkit config (one source, no drift)", () => {
    expect(trustOf("reports", "deploy-preview")).toEqual(
      gcpTrustConfig({
        projectId: "my-project",
        projectNumber: "123456789012",
        poolId: "netlify",
        providerId: "reports-prod",
        issuerUri: "https://reports.example.com/oidc/deploy-preview",
        pin: { site: SITE_ID, context: "deploy-preview", function: ["report"] },
        serviceAccount: SA,
      }),
    );
  });

  it("several functions: an `in` list, and the site's principal set as member; full provider name works", () => {
    const trust = trustOf("shared", "deploy-preview");
    expect(trust.workloadIdentityProvider).toBe(PROVIDER);
    expect(trust.attributeCondition).toBe(
      `assertion.site_id == "${SITE_ID}" && assertion.context == "deploy-preview" && assertion.function in ["export", "report"]`,
    );
    expect(trust.member).toBe(
      `principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/attribute.site/${SITE_ID}`,
    );
    // No service account: the federated principal is granted the roles directly, nothing to bind.
    expect(trust.serviceAccountBinding).toBeUndefined();
    expect(trust.gcloud).toHaveLength(2);
  });

  it("a custom token audience becomes an allowed audience, and the runtime mints for that same audience", () => {
    const trust = trustOf("custom");
    expect(trust.allowedAudiences).toEqual(["fedkit-reports", "other-audience"]);
    expect(trust.gcloud[1]).toContain("--allowed-audiences='fedkit-reports,other-audience'");
    expect(gcpCloud.audience(config.targets["custom"] as GcpTargetConfig)).toBe("fedkit-reports");
    expect(gcpCloud.audience(reports)).toBe(trustOf("reports").subjectAudience);
  });

  it.each([
    ["noproject", /no projectId/],
    ["users", /per-user grants or the "site" subject form/],
    ["coarse", /per-user grants or the "site" subject form/],
    ["nobody", /no function is mapped/],
  ])("target %s is a clear config error", (target, message) => {
    let error: unknown;
    try {
      trustOf(target);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FederationError);
    expect((error as FederationError).code).toBe("config");
    expect((error as FederationError).message).toMatch(message);
    expect((error as FederationError).hint).toBeTruthy();
  });
});

describe("gcpCloud plugin", () => {
  const env = () => undefined;

  it("impersonates the service account with the mapping's lifetime cap", () => {
    const provider = gcpCloud.provider({
      target: reports,
      targetName: "reports",
      durationSeconds: 900,
      env,
    }) as GcpProvider;
    expect(provider.cloud).toBe("gcp");
    expect(provider.workloadIdentityProvider).toBe(PROVIDER);
    expect(provider.serviceAccount).toBe(SA);
    expect(provider.audience).toBe(`https:${PROVIDER}`);
    expect(provider.key).toContain("900");
  });

  it("needs the provider's name, and custom endpoints need the opt-in", () => {
    const call = (target: GcpTargetConfig) =>
      gcpCloud.provider({ target, targetName: "t", durationSeconds: undefined, env });
    expect(() => call({ cloud: "gcp", poolId: "netlify" })).toThrow(/workload identity provider/);
    expect(() => call({ ...reports, stsEndpoint: "http://127.0.0.1:1" })).toThrow(FederationError);
    expect(call({ ...reports, stsEndpoint: "http://127.0.0.1:1", allowCustomEndpoint: true }).cloud).toBe(
      "gcp",
    );
  });

  it("its client sends the bearer to Google's hosts only, unless an origin is opted into", async () => {
    const provider = gcpCloud.provider({
      target: reports,
      targetName: "reports",
      durationSeconds: undefined,
      env,
    });
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
