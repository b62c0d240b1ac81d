import { describe, expect, it } from "vitest";
import { compileCel } from "../../emulator/src/gcp/cel.js";
import { gcpTrustConfig } from "./trust.js";

const base = {
  projectId: "my-project",
  projectNumber: "123456789012",
  poolId: "netlify",
  providerId: "my-site-prod",
  issuerUri: "https://example.com/oidc/production",
  pin: { site: "abc123", context: "production", function: "read-report" },
  serviceAccount: "reader@my-project.iam.gserviceaccount.com",
};

describe("gcpTrustConfig", () => {
  it("pins site, context and function in a condition the emulator's CEL accepts", () => {
    const trust = gcpTrustConfig(base);
    expect(trust.attributeCondition).toBe(
      'assertion.site_id == "abc123" && assertion.context == "production" && assertion.function == "read-report"',
    );
    const condition = compileCel(trust.attributeCondition, ["assertion", "google", "attribute"]);
    const claims = { site_id: "abc123", context: "production", function: "read-report" };
    expect(condition({ assertion: claims, google: {}, attribute: {} })).toBe(true);
    expect(
      condition({ assertion: { ...claims, context: "deploy-preview" }, google: {}, attribute: {} }),
    ).toBe(false);
    for (const expression of Object.values(trust.attributeMapping)) compileCel(expression, ["assertion"]);
  });

  it("binds one function in one context as a single subject principal", () => {
    const trust = gcpTrustConfig(base);
    expect(trust.member).toBe(
      "principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/subject/site:abc123:context:production:function:read-report",
    );
    expect(trust.serviceAccountBinding).toEqual({
      serviceAccount: base.serviceAccount,
      role: "roles/iam.workloadIdentityUser",
      member: trust.member,
    });
  });

  it("binds several functions as the site's principalSet and uses `in` lists", () => {
    const trust = gcpTrustConfig({
      ...base,
      pin: { site: "abc123", context: ["production"], function: ["a", "b"] },
    });
    expect(trust.attributeCondition).toContain('assertion.function in ["a", "b"]');
    expect(trust.member).toBe(
      "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/attribute.site/abc123",
    );
  });

  it("emits gcloud commands and REST JSON, with an uploaded JWKS and allowed audiences when given", () => {
    const jwks = { keys: [{ kty: "RSA", kid: "k1", n: "x", e: "AQAB" }] };
    const trust = gcpTrustConfig({ ...base, jwks, allowedAudiences: ["https://example.com"] });
    expect(trust.gcloud).toHaveLength(3);
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

  it("refuses more than 10 audiences and claim names that are not CEL identifiers", () => {
    const eleven = Array.from({ length: 11 }, (_, i) => `a${i}`);
    expect(() => gcpTrustConfig({ ...base, allowedAudiences: eleven })).toThrow(/at most 10/);
    expect(() => gcpTrustConfig({ ...base, claims: { site: "site-id" } })).toThrow(/CEL identifier/);
  });
});
