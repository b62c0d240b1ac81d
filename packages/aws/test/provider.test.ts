import { FederationError } from "@fedkit/core";
import { createExchangeContext } from "@fedkit/core/provider";
import { afterEach, describe, expect, it } from "vitest";
import { sessionPolicyTemplate } from "../src/policy.js";
import { awsProvider } from "../src/provider.js";
import { type FakeServer, fakeToken, type Reply, startServer, stsError, stsSuccess } from "./helpers.js";

const ROLE = "arn:aws:iam::123456789012:role/reader";
const token = fakeToken({
  iss: "https://idp.example.com/oidc/production",
  sub: "alice",
  aud: "sts.amazonaws.com",
});
const ctx = () => createExchangeContext({ retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function withSts(handler: (index: number) => Reply, options: Record<string, unknown> = {}) {
  server = await startServer((_req, i) => handler(i));
  return awsProvider({
    roleArn: ROLE,
    region: "eu-west-1",
    endpoint: server.origin,
    allowCustomEndpoint: true,
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<FederationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof FederationError) return err;
    throw err;
  }
  throw new Error("expected a FederationError");
}

describe("awsProvider exchange", () => {
  it("sends one unsigned form POST and returns the credentials with their expiration", async () => {
    const expiration = "2030-01-02T03:04:05Z";
    const provider = await withSts(
      () => ({ status: 200, body: stsSuccess("AssumeRoleWithWebIdentity", { expiration }) }),
      {
        policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        durationSeconds: 1800,
        policy: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }],
        },
      },
    );
    const result = await provider.exchange(token, ctx());
    expect(result.credentials).toEqual({
      kind: "aws",
      accessKeyId: "ASIATESTACCESSKEY01",
      secretAccessKey: "secret/key+value",
      sessionToken: "session-token-value",
      expiresAt: Date.parse(expiration),
      assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/reader/alice",
    });
    expect(result).toMatchObject({ sessionName: "alice", requestId: "req-1" });
    const [req] = server!.requests;
    expect(server!.requests).toHaveLength(1);
    expect(req!.method).toBe("POST");
    expect(req!.headers.authorization).toBeUndefined();
    expect(req!.headers["content-type"]).toMatch(/^application\/x-www-form-urlencoded/);
    const form = new URLSearchParams(req!.body);
    expect(Object.fromEntries(form)).toMatchObject({
      Action: "AssumeRoleWithWebIdentity",
      Version: "2011-06-15",
      RoleArn: ROLE,
      RoleSessionName: "alice",
      WebIdentityToken: token.raw,
      DurationSeconds: "1800",
      "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    expect(JSON.parse(form.get("Policy")!).Statement[0].Action).toBe("s3:GetObject");
  });

  it("renders a per-subject session policy template", async () => {
    const policy = sessionPolicyTemplate({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/{{sub}}/*" }],
    });
    const provider = await withSts(() => ({ status: 200, body: stsSuccess("AssumeRoleWithWebIdentity") }), {
      policy,
    });
    await provider.exchange(token, ctx());
    expect(new URLSearchParams(server!.requests[0]!.body).get("Policy")).toContain("arn:aws:s3:::b/alice/*");
    const err = await failure(provider.exchange(fakeToken({ sub: "*" }), ctx()));
    expect(err.code).toBe("policy_refused");
    expect(server!.requests).toHaveLength(1);
  });

  it.each([
    ["InvalidIdentityToken", "Incorrect token audience", 400, "audience_mismatch"],
    [
      "InvalidIdentityToken",
      "No OpenIDConnect provider found in your account for https://idp.example.com/oidc/production",
      400,
      "issuer_untrusted",
    ],
    [
      "InvalidIdentityToken",
      "Couldn't retrieve verification key from your identity provider",
      400,
      "invalid_subject_token",
    ],
    [
      "ExpiredTokenException",
      "Token expired: current date/time 1 must be before the expiration date/time 0",
      400,
      "expired_subject_token",
    ],
    ["IDPRejectedClaim", "rejected", 403, "subject_mismatch"],
    ["AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity", 403, "access_denied"],
    ["RegionDisabledException", "STS is not activated in this region", 403, "config"],
    ["PackedPolicyTooLarge", "Packed policy consumes 120% of allotted space", 400, "invalid_request"],
    ["MalformedPolicyDocument", "Syntax errors in policy", 400, "invalid_request"],
    [
      "ValidationError",
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
      400,
      "invalid_request",
    ],
  ] as const)("maps %s (%s) to %s", async (cloudCode, message, status, expected) => {
    const provider = await withSts(() => ({ status, body: stsError(cloudCode, message) }));
    const err = await failure(provider.exchange(token, ctx()));
    expect(err).toMatchObject({
      code: expected,
      cloudCode,
      cloudMessage: message,
      status,
      provider: "aws",
      requestId: "err-1",
    });
    expect(err.subject).toEqual({
      iss: "https://idp.example.com/oidc/production",
      sub: "alice",
      aud: "sts.amazonaws.com",
    });
    expect(err.message).toContain("sub=alice");
    expect(err.hint).toBeTruthy();
    expect(JSON.stringify(err.toJSON())).not.toContain(token.raw);
    expect(server!.requests).toHaveLength(1);
  });

  it("on AccessDenied names both causes (missing role, refusing trust) and the condition keys, without telling to widen", async () => {
    const provider = await withSts(() => ({ status: 403, body: stsError("AccessDenied", "Not authorized") }));
    const err = await failure(provider.exchange(token, ctx()));
    // STS answers the same for a role that does not exist: the hint names both.
    expect(err.hint).toMatch(
      /^Either arn:aws:iam::123456789012:role\/\S+ does not exist .* or its trust policy does not accept/,
    );
    expect(err.hint).toContain('"idp.example.com/oidc/production:sub" ("alice")');
    expect(err.hint).toContain('"idp.example.com/oidc/production:aud" ("sts.amazonaws.com")');
    expect(err.hint).toContain("supposed to be refused");
    expect(err.hint).not.toMatch(/must allow|needs|add /i);
    expect(err.hint).toContain("arn:aws:iam::123456789012:oidc-provider/idp.example.com/oidc/production");
    expect(err.hint).toContain("sts:TagSession");
  });

  it("retries IDPCommunicationError as transient, then succeeds", async () => {
    const provider = await withSts((i) =>
      i === 0
        ? { status: 400, body: stsError("IDPCommunicationError", "timeout talking to the IdP") }
        : { status: 200, body: stsSuccess("AssumeRoleWithWebIdentity") },
    );
    const result = await provider.exchange(token, ctx());
    expect(result.credentials.accessKeyId).toBe("ASIATESTACCESSKEY01");
    expect(server!.requests).toHaveLength(2);
  });

  it("reports IDPCommunicationError after retries as provider_unavailable, retryable", async () => {
    const provider = await withSts(() => ({ status: 400, body: stsError("IDPCommunicationError", "down") }));
    const err = await failure(provider.exchange(token, ctx()));
    expect(err).toMatchObject({
      code: "provider_unavailable",
      retryable: true,
      cloudCode: "IDPCommunicationError",
    });
    expect(server!.requests).toHaveLength(3);
  });

  it("retries Throttling (HTTP 400) as transient, then succeeds", async () => {
    const provider = await withSts((i) =>
      i === 0
        ? { status: 400, body: stsError("Throttling", "Rate exceeded") }
        : { status: 200, body: stsSuccess("AssumeRoleWithWebIdentity") },
    );
    expect((await provider.exchange(token, ctx())).credentials.accessKeyId).toBe("ASIATESTACCESSKEY01");
    expect(server!.requests).toHaveLength(2);
  });

  it("maps Throttling to throttled and non-XML answers by status", async () => {
    let provider = await withSts(() => ({ status: 400, body: stsError("Throttling", "Rate exceeded") }));
    expect((await failure(provider.exchange(token, ctx()))).code).toBe("throttled");
    await server!.close();
    provider = await withSts(() => ({
      status: 502,
      body: "<html>bad gateway</html>",
      headers: { "content-type": "text/html" },
    }));
    const err = await failure(provider.exchange(token, ctx()));
    expect(err.code).toBe("provider_unavailable");
    expect(err.message).toContain("HTTP 502 (text/html)");
    await server!.close();
    provider = await withSts(() => ({
      status: 200,
      body: "{}",
      headers: { "content-type": "application/json" },
    }));
    const bad = await failure(provider.exchange(token, ctx()));
    expect(bad.code).toBe("bad_response");
    expect(bad.message).toContain("application/json");
  });

  it("refuses a success answer without credentials or with a bad Expiration", async () => {
    const provider = await withSts(() => ({
      status: 200,
      body: stsSuccess("AssumeRoleWithWebIdentity", { expiration: "tomorrow" }),
    }));
    const err = await failure(provider.exchange(token, ctx()));
    expect(err.code).toBe("bad_response");
    expect(err.message).toContain("Expiration");
  });
});

describe("awsProvider configuration", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];

  it("reads region, role and session name from the injected env", () => {
    const p = awsProvider({ env: env({ AWS_ROLE_ARN: ROLE, AWS_DEFAULT_REGION: "eu-central-1" }) });
    expect(p.sts.endpoint).toBe("https://sts.eu-central-1.amazonaws.com");
    const q = awsProvider({
      env: { AWS_ROLE_ARN: ROLE, AWS_REGION: "eu-west-2", AWS_DEFAULT_REGION: "eu-west-1" },
    });
    expect(q.sts.region).toBe("eu-west-2");
    expect(q.target).toEqual({ role: ROLE, audience: "sts.amazonaws.com" });
  });

  it("uses the China endpoint for cn regions", () => {
    const p = awsProvider({ roleArn: "arn:aws-cn:iam::123456789012:role/r", region: "cn-north-1" });
    expect(p.sts.endpoint).toBe("https://sts.cn-north-1.amazonaws.com.cn");
  });

  it.each([
    [{ roleArn: ROLE }, /no region/],
    [{ region: "eu-west-1" }, /AWS_ROLE_ARN/],
    [{ roleArn: ROLE, region: "cn-north-1" }, /partition/],
    [{ roleArn: ROLE, region: "Europe" }, /not an AWS region/],
    [{ roleArn: ROLE, region: "eu-west-1", durationSeconds: 60 }, /900/],
    [{ roleArn: ROLE, region: "eu-west-1", sessionName: "a b" }, /session name/],
    [{ roleArn: ROLE, region: "eu-west-1", endpoint: "http://127.0.0.1:1" }, /allowCustomEndpoint/],
    [{ roleArn: ROLE, region: "eu-west-1", policyArns: ["ReadOnly"] }, /managed policy/],
    [{ roleArn: ROLE, region: "eu-west-1", policy: "{" }, /JSON/],
  ])("refuses %j with a config error", (options, message) => {
    expect(() => awsProvider({ env: {}, ...options })).toThrow(message);
    try {
      awsProvider({ env: {}, ...options });
    } catch (err) {
      expect((err as FederationError).code).toBe("config");
    }
  });

  it("accepts an official endpoint (FIPS) without opt-in", () => {
    const p = awsProvider({
      roleArn: ROLE,
      region: "us-east-1",
      endpoint: "https://sts-fips.us-east-1.amazonaws.com",
    });
    expect(p.sts.endpoint).toBe("https://sts-fips.us-east-1.amazonaws.com");
    expect(p.sts.rule.allowedOrigins).toBeUndefined();
  });

  it("changes its key with every permission-affecting input", () => {
    const base = { roleArn: ROLE, region: "eu-west-1", env: {} };
    const keys = new Set(
      [
        base,
        { ...base, roleArn: "arn:aws:iam::123456789012:role/writer" },
        { ...base, region: "eu-west-2" },
        { ...base, audience: "other" },
        { ...base, durationSeconds: 900 },
        { ...base, policy: { Version: "2012-10-17", Statement: [] } },
        { ...base, policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
        { ...base, sessionName: "fixed" },
        { ...base, endpoint: "http://127.0.0.1:9", allowCustomEndpoint: true },
      ].map((o) => awsProvider(o).key),
    );
    expect(keys.size).toBe(9);
    expect(awsProvider(base).key).toBe(awsProvider({ ...base }).key);
  });
});
