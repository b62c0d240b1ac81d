// Google's own host table (moved out of core): STS and IAM Credentials pass core's checkEndpoint for their own
// rule only.
import { checkEndpoint } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { GCP_HOSTS } from "../src/index.js";

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
});
