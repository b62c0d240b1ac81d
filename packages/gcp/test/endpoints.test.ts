import { FederationError } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { GCP_HOSTS, resolveGcp } from "../src/endpoints.js";
import { fromExternalAccount } from "../src/external-account.js";
import { gcpIdTokenProvider } from "../src/id-token.js";
import { gcpProvider } from "../src/provider.js";
import {
  checkServiceAccount,
  parseProviderName,
  principalForSubject,
  principalSetForAttribute,
  workloadIdentityProvider,
} from "../src/resource.js";

const audience =
  "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/providers/prov";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof FederationError ? error.code : `not a FederationError: ${String(error)}`;
  }
}

describe("gcpProvider configuration", () => {
  it("builds the audience from parts and defaults the subject audience to the https: form", () => {
    const provider = gcpProvider({ projectNumber: "123", poolId: "pool", providerId: "prov" });
    expect(provider.workloadIdentityProvider).toBe(audience);
    expect(provider.audience).toBe(`https:${audience}`);
    expect(provider.target).toMatchObject({
      client: audience,
      scopes: ["https://www.googleapis.com/auth/cloud-platform"],
    });
  });

  it("keys on every permission-affecting input", () => {
    const keys = new Set(
      [
        gcpProvider({ audience }),
        gcpProvider({ audience, serviceAccount: "a@p.iam.gserviceaccount.com" }),
        gcpProvider({ audience, serviceAccount: "a@p.iam.gserviceaccount.com", lifetimeSeconds: 600 }),
        gcpProvider({ audience, scopes: ["https://www.googleapis.com/auth/devstorage.read_only"] }),
        gcpProvider({ audience, subjectAudience: "x" }),
      ].map((p) => p.key),
    );
    expect(keys.size).toBe(5);
    expect(gcpProvider({ audience }).key).toBe(gcpProvider({ audience }).key);
  });

  it("refuses non-Google endpoints, universes and impersonation URLs without the opt-in", () => {
    expect(code(() => gcpProvider({ audience, stsEndpoint: "https://sts.evil.example/v1/token" }))).toBe(
      "endpoint_refused",
    );
    expect(code(() => gcpProvider({ audience, stsEndpoint: "http://127.0.0.1:9/v1/token" }))).toBe(
      "endpoint_refused",
    );
    expect(code(() => gcpProvider({ audience, universeDomain: "example.com" }))).toBe("endpoint_refused");
    const external = {
      type: "external_account" as const,
      audience,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: "https://sts.googleapis.com/v1/token",
      service_account_impersonation_url:
        "https://iamcredentials.attacker.example/v1/projects/-/serviceAccounts/a@p.iam.gserviceaccount.com:generateAccessToken",
    };
    expect(code(() => gcpProvider(fromExternalAccount(external)))).toBe("endpoint_refused");
    expect(
      code(() =>
        gcpProvider(fromExternalAccount({ ...external, token_url: "https://sts.attacker.example/v1/token" })),
      ),
    ).toBe("endpoint_refused");
    expect(
      code(() => gcpProvider({ audience, stsEndpoint: "http://127.0.0.1:9", allowCustomEndpoint: true })),
    ).toBeUndefined();
  });

  it("names configuration mistakes as config errors", () => {
    expect(code(() => gcpProvider({}))).toBe("config");
    expect(code(() => gcpProvider({ audience: "projects/123/pool" }))).toBe("config");
    expect(code(() => gcpProvider({ audience, serviceAccount: "not an email" }))).toBe("config");
    expect(code(() => gcpProvider({ audience, lifetimeSeconds: 0 }))).toBe("config");
    expect(code(() => gcpIdTokenProvider({ audience, targetAudience: "x" } as never))).toBe("config");
  });

  it("takes service account emails (user-managed and Google-managed) and refuses what would change the IAM URL", () => {
    for (const email of [
      "reader@my-project.iam.gserviceaccount.com",
      "service-123456@gcp-sa-pubsub.iam.gserviceaccount.com",
      "123456-compute@developer.gserviceaccount.com",
    ])
      expect(checkServiceAccount(email)).toBe(email);
    // The email goes into the generateAccessToken path unencoded: a space, `/`, `:` or a second `@` would
    // change the URL or the method, and an empty part is no account.
    for (const email of [
      "not an email",
      "a b@p.iam.gserviceaccount.com",
      "a/../b@p.iam.gserviceaccount.com",
      "a@p.iam.gserviceaccount.com/x",
      "a@p.iam.gserviceaccount.com:generateIdToken",
      "a@b@p.iam.gserviceaccount.com",
      "@p.iam.gserviceaccount.com",
      "reader@",
      "reader",
    ])
      expect(code(() => checkServiceAccount(email))).toBe("config");
  });

  it("parses workload and workforce provider names, with or without https:", () => {
    expect(parseProviderName(`https:${audience}`)).toMatchObject({
      projectNumber: "123",
      poolId: "pool",
      providerId: "prov",
    });
    expect(
      parseProviderName("//iam.googleapis.com/locations/global/workforcePools/wf/providers/p"),
    ).toMatchObject({
      workforce: true,
      poolId: "wf",
    });
    expect(workloadIdentityProvider({ projectNumber: "123", poolId: "pool", providerId: "prov" })).toBe(
      audience,
    );
  });

  it("refuses a name that mixes the workload and workforce shapes", () => {
    for (const name of [
      "//iam.googleapis.com/projects/123/locations/global/workforcePools/wf/providers/p",
      "//iam.googleapis.com/locations/global/workloadIdentityPools/pool/providers/p",
      "//iam.googleapis.com/projects/abc/locations/global/workloadIdentityPools/pool/providers/p",
      `${audience}/extra`,
    ])
      expect(code(() => parseProviderName(name))).toBe("config");
  });

  it("names the principals of the provider's POOL, for both kinds of pool", () => {
    const workload = parseProviderName(audience);
    const workforce = parseProviderName(
      "//iam.googleapis.com/locations/global/workforcePools/wf/providers/p",
    );
    expect(principalForSubject(workload, "site:a")).toBe(
      "principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/subject/site:a",
    );
    expect(principalSetForAttribute(workload, "function", "report")).toBe(
      "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/pool/attribute.function/report",
    );
    expect(principalForSubject(workforce, "u")).toBe(
      "principal://iam.googleapis.com/locations/global/workforcePools/wf/subject/u",
    );
    expect(workload.projectNumber).toBe("123");
    expect(workforce).not.toHaveProperty("projectNumber");
  });

  it("sends STS and IAM Credentials calls to the universe's own hosts, a custom endpoint by its origin only", () => {
    const google = resolveGcp({ audience });
    expect(google.stsRule).toEqual({ cloud: "gcp", officialHosts: GCP_HOSTS.sts });
    expect(GCP_HOSTS.sts).toEqual(["sts.googleapis.com", "sts.mtls.googleapis.com"]);
    expect(google.iamRule.officialHosts).toEqual(GCP_HOSTS.iamcredentials);
    const custom = resolveGcp({ audience, universeDomain: "example.com", allowCustomEndpoint: true });
    expect(custom.stsUrl).toBe("https://sts.example.com/v1/token");
    expect(custom.stsRule).toEqual({
      cloud: "gcp",
      officialHosts: ["sts.example.com", "sts.mtls.example.com"],
      allowedOrigins: ["https://sts.example.com"],
    });
    expect(custom.iamRule.allowedOrigins).toEqual(["https://iamcredentials.example.com"]);
  });
});
