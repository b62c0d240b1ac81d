import { describe, expect, it } from "vitest";
import { conditionSubjectPrefixes } from "../src/condition.js";
import { checkGcpPool } from "../src/pool-check.js";
import { type GcpTrustConfig, gcpTrustConfig } from "../src/trust.js";

const SITE = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";
const trustFor = (context: string, poolId?: string, providerId = "reports", site = SITE) =>
  gcpTrustConfig({
    projectId: "p",
    projectNumber: "123456789012",
    ...(poolId === undefined ? {} : { poolId }),
    providerId,
    issuerUri: `https://example.com/oidc/${context}`,
    pin: { site, context, function: "report" },
  });

/** A provider as `gcloud … providers list --format=json` prints it: the REST resource, keys sorted. */
function listed(
  trust: Pick<
    GcpTrustConfig,
    "workloadIdentityProvider" | "attributeCondition" | "attributeMapping" | "issuerUri"
  >,
  extra: Record<string, unknown> = {},
) {
  return {
    attributeCondition: trust.attributeCondition,
    attributeMapping: trust.attributeMapping,
    displayName: "x",
    name: trust.workloadIdentityProvider.replace(/^\/\/iam\.googleapis\.com\//, ""),
    oidc: { issuerUri: trust.issuerUri },
    state: "ACTIVE",
    ...extra,
  };
}

/** What fedkit generated before pools per context: no subject pin. */
function legacy(trust: GcpTrustConfig) {
  return {
    ...trust,
    attributeCondition: trust.attributeCondition.replace(/ && assertion\.sub\.startsWith\("[^"]*"\)/, ""),
  };
}

describe("checkGcpPool (input of `fedkit doctor`)", () => {
  it("a pool of its own holding exactly the generated provider is ok", () => {
    const expected = trustFor("production");
    const report = checkGcpPool({ providers: [listed(expected)], expected });
    expect(report).toEqual({ layout: "own", legacy: false, otherProviders: [], findings: [], ok: true });
    // One `describe` object is accepted too.
    expect(checkGcpPool({ providers: listed(expected), expected }).ok).toBe(true);
  });

  it("detects the old shared layout: production and preview providers in one pool, subject unpinned", () => {
    const expected = trustFor("production");
    const prod = legacy(trustFor("production", "netlify", "reports-production"));
    const preview = legacy(trustFor("deploy-preview", "netlify", "reports-preview"));
    const report = checkGcpPool({
      providers: [listed(prod), listed(preview)],
      expected: { ...expected, poolId: "netlify", workloadIdentityProvider: prod.workloadIdentityProvider },
    });
    expect(report.legacy).toBe(true);
    expect(report.layout).toBe("shared");
    expect(report.ok).toBe(false);
    expect(report.otherProviders).toEqual(["reports-preview"]);
    const codes = report.findings.map((f) => `${f.severity} ${f.code} ${f.provider}`);
    expect(codes).toContain("error provider-drift reports-production");
    expect(codes).toContain("error subject-not-pinned reports-preview");
    expect(codes).toContain("error legacy-shared-pool netlify");
    expect(report.findings.find((f) => f.code === "legacy-shared-pool")?.message).toContain(expected.poolId);
  });

  it("classifies the pool's other providers by the subjects they can produce", () => {
    const expected = trustFor("production", "shared-pool");
    const sibling = trustFor("production", "shared-pool", "invoices");
    const preview = trustFor("deploy-preview", "shared-pool", "reports-preview");
    const otherSite = trustFor("production", "shared-pool", "other-site", "0f3a4c1e");
    const sitewide = {
      ...otherSite,
      attributeCondition: `assertion.sub.startsWith("site:${SITE}:")`,
      workloadIdentityProvider: otherSite.workloadIdentityProvider.replace("other-site", "sitewide"),
    };
    const foreign = {
      ...otherSite,
      attributeCondition: 'assertion.repository == "org/repo"',
      workloadIdentityProvider: otherSite.workloadIdentityProvider.replace("other-site", "github"),
      attributeMapping: { "google.subject": "assertion.sub" },
    };
    const tricky = {
      ...foreign,
      attributeCondition: `assertion.sub.startsWith("site:x:") || true`,
      workloadIdentityProvider: otherSite.workloadIdentityProvider.replace("other-site", "tricky"),
    };
    const report = checkGcpPool({
      providers: [
        listed(expected),
        listed(sibling),
        listed(preview),
        listed(otherSite),
        listed(sitewide),
        listed(foreign),
        listed(tricky),
        listed(
          {
            ...foreign,
            workloadIdentityProvider: foreign.workloadIdentityProvider.replace("github", "deleted"),
          },
          { state: "DELETED" },
        ),
        listed(
          {
            ...foreign,
            workloadIdentityProvider: foreign.workloadIdentityProvider.replace("github", "disabled"),
          },
          { disabled: true },
        ),
      ],
      expected,
    });
    const by = Object.fromEntries(report.findings.map((f) => [f.provider, `${f.severity} ${f.code}`]));
    expect(by).toEqual({
      invoices: "info same-context",
      "reports-preview": "warning other-subjects",
      "other-site": "warning other-subjects",
      sitewide: "error subject-not-pinned",
      github: "error subject-not-pinned",
      tricky: "error subject-not-pinned",
      deleted: "warning subject-not-pinned",
      disabled: "warning subject-not-pinned",
    });
    expect(report.layout).toBe("shared");
    expect(report.legacy).toBe(false);
    expect(report.findings.find((f) => f.provider === "deleted")?.message).toMatch(
      /undeleted \(for 30 days\) or re-enabled/,
    );
  });

  it("reports a missing provider, and refuses input that is not gcloud's provider JSON of that pool", () => {
    const expected = trustFor("production");
    expect(checkGcpPool({ providers: [], expected }).findings).toEqual([
      expect.objectContaining({ severity: "error", code: "provider-missing", provider: "reports" }),
    ]);
    expect(() => checkGcpPool({ providers: [{ displayName: "x" }], expected })).toThrow(TypeError);
    expect(() =>
      checkGcpPool({ providers: [listed(trustFor("production", "other-pool"))], expected }),
    ).toThrow(/not the expected/);
  });
});

describe("conditionSubjectPrefixes", () => {
  it.each([
    ['assertion.sub.startsWith("site:a:") && x == "b"', ["site:a:"]],
    ["google.subject.startsWith('site:a:')", ["site:a:"]],
    ['(assertion.sub == "site:a:context:p:function:f")', ["site:a:context:p:function:f"]],
    ['x != "y" && assertion.sub.startsWith("a&&b")', ["a&&b"]],
    ['assertion.sub.startsWith("site:a:") || true', []],
    ['!assertion.sub.startsWith("site:a:")', []],
    ['true ? assertion.sub.startsWith("site:a:") : true', []],
    ['assertion.context == "production"', []],
  ])("%s → %j", (condition, prefixes) => {
    expect(conditionSubjectPrefixes(condition)).toEqual(prefixes);
  });
});
