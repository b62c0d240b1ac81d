// Google's own host table (moved out of core): STS and IAM Credentials pass core's checkEndpoint for their own
// rule only.
import { checkEndpoint } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { GCP_CUSTOMER_HOSTS, GCP_HOSTS, gcpFetch, gcpProvider } from "../src/index.js";

describe("GCP hosts", () => {
  it("accepts STS (and its mTLS name) for the STS rule, nothing else", () => {
    const sts = { cloud: "gcp", officialHosts: GCP_HOSTS.sts };
    expect(checkEndpoint("https://sts.googleapis.com/v1/token", sts).host).toBe("sts.googleapis.com");
    expect(checkEndpoint("https://sts.mtls.googleapis.com/v1/token", sts).host).toBe(
      "sts.mtls.googleapis.com",
    );
    expect(() => checkEndpoint("https://storage.googleapis.com/", sts)).toThrow("official");
    expect(() => checkEndpoint("https://iamcredentials.googleapis.com/", sts)).toThrow("official");
  });

  it("accepts IAM Credentials for its rule and any googleapis.com API for the API rule", () => {
    const iam = { cloud: "gcp", officialHosts: GCP_HOSTS.iamcredentials };
    expect(checkEndpoint("https://iamcredentials.googleapis.com/v1/x", iam).host).toBe(
      "iamcredentials.googleapis.com",
    );
    const apis = { cloud: "gcp", officialHosts: GCP_HOSTS.apis };
    expect(checkEndpoint("https://storage.googleapis.com/b", apis).host).toBe("storage.googleapis.com");
    expect(() => checkEndpoint("https://googleapis.com.evil.example/", apis)).toThrow("official");
  });

  it("the host tables are frozen down to each list: no code in the isolate can widen where a bearer goes", async () => {
    for (const list of [
      GCP_HOSTS,
      GCP_HOSTS.sts,
      GCP_HOSTS.iamcredentials,
      GCP_HOSTS.apis,
      GCP_CUSTOMER_HOSTS,
    ])
      expect(Object.isFrozen(list)).toBe(true);
    expect(() => (GCP_HOSTS.apis as string[]).push("*.run.app")).toThrow(TypeError);
    expect(() => (GCP_CUSTOMER_HOSTS as string[]).splice(0)).toThrow(TypeError);
    // Still refused after the attempts: the customer-host rule is intact.
    const provider = gcpProvider({ projectNumber: "123456", poolId: "pool-id", providerId: "site" });
    const federation = { getCredentials: () => Promise.reject(new Error("no token may be asked for")) };
    await expect(gcpFetch(federation, provider)("https://api-abc-uc.a.run.app/")).rejects.toMatchObject({
      code: "endpoint_refused",
    });
  });
});
