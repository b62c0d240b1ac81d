// Pool and provider ids, the provider JSON checkGcpPool reads, and the condition limit, against Google's own
// IAM v1 discovery text and the Terraform provider's id checks (../shared/oracles/cloud-cli/gcp).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { oracleSuite } from "@fedkit/test-support/oracles";
import { describe, expect, it } from "vitest";
import { checkGcpId, gcpPoolId, gcpTrustConfig } from "../src/index.js";

interface Item {
  readonly data: Record<string, unknown>;
}

/** magic-modules' ValidateWorkloadIdentityPoolProviderId (Go), ported: the `.svc.id.goog` GKE case aside. */
function terraformAccepts(id: string): boolean {
  return !id.startsWith("gcp-") && /^[0-9a-z-]+$/.test(id) && id.length >= 4 && id.length <= 32;
}

oracleSuite("cloud-cli", { describe, it }, (dir) => {
  const items = JSON.parse(readFileSync(join(dir, "gcp", "examples.json"), "utf8")) as Item[];
  const methods = items[2]!.data as Record<
    string,
    { description?: string; parameters?: Record<string, string> }
  >;
  const schemas = items[1]!.data as Record<string, { properties: Record<string, { description?: string }> }>;
  const terraform = items[6]!.data as Record<string, string>;

  it("Google's text states the rule checkGcpId applies: 4-32 of [a-z0-9-], gcp- reserved, 30 days before reuse", () => {
    const create = methods["projects.locations.workloadIdentityPools.create"]!;
    expect(create.parameters?.["workloadIdentityPoolId"]).toContain("4-32 characters");
    expect(create.parameters?.["workloadIdentityPoolId"]).toContain("[a-z0-9-]");
    expect(create.parameters?.["workloadIdentityPoolId"]).toContain("The prefix `gcp-` is reserved");
    expect(create.description).toContain("30 days after deletion");
    expect(terraform["iam_workload_identity_pool_provider.go.tmpl"]).toContain("`^[0-9a-z-]+$`");
  });

  it("checkGcpId agrees with the Terraform provider's checks on every edge case", () => {
    const candidates = [
      "abc",
      "abcd",
      "a".repeat(32),
      "a".repeat(33),
      "gcp-",
      "gcp-pool",
      "xgcp-pool",
      "Pool",
      "po_ol",
      "po.ol",
      "----",
      "0123",
      "fk-x",
    ];
    for (const id of candidates) {
      let ours: boolean;
      try {
        checkGcpId("pool", id);
        ours = true;
      } catch {
        ours = false;
      }
      expect([id, ours]).toEqual([id, terraformAccepts(id)]);
    }
    for (const context of ["production", "deploy-preview", "branch-deploy", "dev"]) {
      expect(terraformAccepts(gcpPoolId("5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11", context))).toBe(true);
    }
  });

  it("the provider fields checkGcpPool reads exist in Google's provider schema", () => {
    const provider = Object.keys(schemas["WorkloadIdentityPoolProvider"]!.properties);
    for (const field of ["name", "state", "disabled", "attributeMapping", "attributeCondition", "oidc"]) {
      expect(provider).toContain(field);
    }
    expect(Object.keys(schemas["Oidc"]!.properties)).toEqual(
      expect.arrayContaining(["issuerUri", "allowedAudiences"]),
    );
  });

  it("gcpTrustConfig refuses a condition above Google's 4096 characters", () => {
    const limit = schemas["WorkloadIdentityPoolProvider"]!.properties["attributeCondition"]!.description;
    expect(limit).toContain("The maximum length of the attribute condition expression is 4096 characters");
    const trust = (functions: number) =>
      gcpTrustConfig({
        projectId: "p",
        projectNumber: "1",
        providerId: "reports",
        issuerUri: "https://example.com/oidc/production",
        pin: {
          site: "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11",
          context: "production",
          function: Array.from({ length: functions }, (_, i) => `function-number-${i}`),
        },
      });
    expect(trust(100).attributeCondition.length).toBeLessThanOrEqual(4096);
    expect(() => trust(250)).toThrow(/Google allows 4096/);
  });
});
