import { compileCel } from "@fedkit/emulator/evaluators";
import { describe, expect, it } from "vitest";
import { gcpPoolId } from "../src/pool.js";
import { gcpTrustConfig } from "../src/trust.js";

const SITE = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const base = {
  projectId: "my-project",
  projectNumber: "123456789012",
  providerId: "reports",
  issuerUri: "https://example.com/oidc/production",
  pin: { site: SITE, context: "production", function: "read-report" },
  serviceAccount: "reader@my-project.iam.gserviceaccount.com",
};
const PREFIX = `site:${SITE}:context:production:`;
const condition = (source: string) => {
  const compiled = compileCel(source, ["assertion", "google", "attribute"]);
  return (assertion: Record<string, unknown>) => compiled({ assertion, google: {}, attribute: {} });
};

describe("gcpTrustConfig", () => {
  it("puts the provider in this site's own pool for this context by default", () => {
    const trust = gcpTrustConfig(base);
    expect(trust.poolId).toBe(gcpPoolId(SITE, "production"));
    expect(trust.workloadIdentityProvider).toBe(
      `//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/${trust.poolId}/providers/reports`,
    );
    const preview = gcpTrustConfig({
      ...base,
      issuerUri: "https://example.com/oidc/deploy-preview",
      pin: { ...base.pin, context: "deploy-preview" },
    });
    expect(preview.poolId).not.toBe(trust.poolId);
    expect(gcpTrustConfig({ ...base, poolId: "my-own-pool" }).poolId).toBe("my-own-pool");
  });

  it("pins site, context, the subject prefix and the function, in a condition the emulator's CEL accepts", () => {
    const trust = gcpTrustConfig(base);
    expect(trust.pin).toEqual({ site: SITE, context: "production", subjectPrefix: PREFIX });
    expect(trust.attributeCondition).toBe(
      `assertion.site_id == "${SITE}" && assertion.context == "production" && assertion.sub.startsWith("${PREFIX}") && assertion.function == "read-report"`,
    );
    const allows = condition(trust.attributeCondition);
    const claims = {
      site_id: SITE,
      context: "production",
      function: "read-report",
      sub: `${PREFIX}function:read-report`,
    };
    expect(allows(claims)).toBe(true);
    expect(allows({ ...claims, context: "deploy-preview" })).toBe(false);
    // A token whose claims pass but whose subject is another context's (what a preview key could sign).
    expect(allows({ ...claims, sub: `site:${SITE}:context:deploy-preview:function:read-report` })).toBe(
      false,
    );
    expect(allows({ ...claims, sub: `site:other:context:production:function:read-report` })).toBe(false);
    for (const expression of Object.values(trust.attributeMapping)) compileCel(expression, ["assertion"]);
  });

  it("binds the exact principal of each function, never a principal set", () => {
    const trust = gcpTrustConfig({ ...base, pin: { ...base.pin, function: ["a", "b"] } });
    const pool = `principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/${trust.poolId}/subject/`;
    expect(trust.members).toEqual([`${pool}${PREFIX}function:a`, `${pool}${PREFIX}function:b`]);
    expect(trust.attributeCondition).toContain('assertion.function in ["a", "b"]');
    expect(trust.serviceAccountBinding).toEqual({
      serviceAccount: base.serviceAccount,
      role: "roles/iam.workloadIdentityUser",
      members: trust.members,
    });
    expect(trust.json.binding).toEqual({ role: "roles/iam.workloadIdentityUser", members: trust.members });
    // One add-iam-policy-binding per member.
    expect(trust.gcloud.filter((c) => c.includes("add-iam-policy-binding"))).toHaveLength(2);
    expect(JSON.stringify(trust)).not.toContain("principalSet");
  });

  it("emits gcloud commands and REST JSON, with an uploaded JWKS and allowed audiences when given", () => {
    const jwks = { keys: [{ kty: "RSA", kid: "k1", n: "x", e: "AQAB" }] };
    const trust = gcpTrustConfig({ ...base, jwks, allowedAudiences: ["https://example.com"] });
    expect(trust.gcloud).toHaveLength(3);
    expect(trust.gcloud[0]).toBe(
      `gcloud iam workload-identity-pools create '${trust.poolId}' --project='my-project' --location=global --display-name='fedkit production' --description='fedkit: Netlify site ${SITE}, deploy context production only. Add no other provider.'`,
    );
    expect(trust.gcloud[1]).toContain("--issuer-uri='https://example.com/oidc/production'");
    expect(trust.gcloud[1]).toContain("--jwk-json-path=jwks.json");
    expect(trust.gcloud[1]).toContain("--allowed-audiences='https://example.com'");
    expect(trust.gcloud[2]).toContain("add-iam-policy-binding 'reader@my-project.iam.gserviceaccount.com'");
    expect(trust.json.provider).toMatchObject({
      oidc: {
        issuerUri: base.issuerUri,
        allowedAudiences: ["https://example.com"],
        jwksJson: JSON.stringify(jwks),
      },
    });
    expect(trust.credentialConfig).toMatchObject({
      type: "external_account",
      audience: trust.workloadIdentityProvider,
      service_account_impersonation_url: expect.stringContaining(
        `${base.serviceAccount}:generateAccessToken`,
      ),
    });
  });

  it.each([
    [{ allowedAudiences: Array.from({ length: 11 }, (_, i) => `a${i}`) }, /at most 10/],
    [{ claims: { site: "site-id" } }, /CEL identifier/],
    [{ pin: { ...base.pin, context: ["production", "deploy-preview"] as never } }, /one deploy context/],
    [{ pin: { ...base.pin, function: [] } }, /at least one function/],
    [{ pin: { ...base.pin, site: "a:b" } }, /pin.site/],
    [{ poolId: "gcp-reserved" }, /not a valid workload identity pool id/],
    [{ poolId: "abc" }, /not a valid workload identity pool id/],
    [{ providerId: "Reports" }, /not a valid workload identity provider id/],
  ])("refuses %o", (change, message) => {
    expect(() => gcpTrustConfig({ ...base, ...change })).toThrow(message);
  });
});
