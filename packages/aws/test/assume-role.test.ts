import { FederationError } from "@fedkit/core";
import { createExchangeContext } from "@fedkit/core/provider";
import { AwsV4Signer } from "aws4fetch";
import { afterEach, describe, expect, it } from "vitest";
import { assumeRole } from "../src/assume-role.js";
import { awsProvider } from "../src/provider.js";
import { type FakeServer, fakeToken, startServer, stsError, stsSuccess } from "./helpers.js";

const FIRST = "arn:aws:iam::111111111111:role/web-identity";
const SECOND = "arn:aws:iam::222222222222:role/data-reader";
const NOW = Date.parse("2030-05-06T07:08:09Z");
const token = fakeToken({ iss: "https://idp.example.com", sub: "alice", aud: "sts.amazonaws.com" });

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function chain(secondReply: { status: number; body: string }, options: Record<string, unknown> = {}) {
  server = await startServer((req) => {
    const action = new URLSearchParams(req.body).get("Action");
    return action === "AssumeRoleWithWebIdentity"
      ? {
          status: 200,
          body: stsSuccess("AssumeRoleWithWebIdentity", {
            arn: "arn:aws:sts::111111111111:assumed-role/web-identity/alice",
          }),
        }
      : secondReply;
  });
  const base = awsProvider({
    roleArn: FIRST,
    region: "eu-west-1",
    endpoint: server.origin,
    allowCustomEndpoint: true,
  });
  return assumeRole(base, { roleArn: SECOND, ...options });
}

describe("assumeRole (role chaining)", () => {
  it("signs AssumeRole with the first hop's credentials and passes external id, tags and source identity", async () => {
    const provider = await chain(
      { status: 200, body: stsSuccess("AssumeRole", { accessKeyId: "ASIASECONDHOPKEY001" }) },
      {
        externalId: "fedkit-prod",
        tags: { user: "{{sub}}", team: "data" },
        transitiveTagKeys: ["user"],
        sourceIdentity: "{{sub}}",
        durationSeconds: 3600,
      },
    );
    const ctx = createExchangeContext({ now: () => NOW });
    const result = await provider.exchange(token, ctx);
    expect(result.credentials.accessKeyId).toBe("ASIASECONDHOPKEY001");
    expect(result.sessionName).toBe("alice");
    const second = server!.requests[1]!;
    expect(Object.fromEntries(new URLSearchParams(second.body))).toMatchObject({
      Action: "AssumeRole",
      RoleArn: SECOND,
      RoleSessionName: "alice",
      ExternalId: "fedkit-prod",
      DurationSeconds: "3600",
      SourceIdentity: "alice",
      "Tags.member.1.Key": "user",
      "Tags.member.1.Value": "alice",
      "Tags.member.2.Key": "team",
      "TransitiveTagKeys.member.1": "user",
    });
    expect(second.headers["x-amz-security-token"]).toBe("session-token-value");
    expect(second.headers["x-amz-date"]).toBe("20300506T070809Z");
    expect(second.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIATESTACCESSKEY01\/20300506\/eu-west-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
    // Recompute the signature independently (aws4fetch, a dev dependency) from what arrived on the wire.
    const check = new AwsV4Signer({
      method: "POST",
      url: `${server!.origin}/`,
      allHeaders: true,
      headers: {
        "content-type": second.headers["content-type"] as string,
        "x-amz-date": second.headers["x-amz-date"] as string,
        "x-amz-security-token": "session-token-value",
      },
      body: second.body,
      accessKeyId: "ASIATESTACCESSKEY01",
      secretAccessKey: "secret/key+value",
      service: "sts",
      region: "eu-west-1",
      datetime: "20300506T070809Z",
    });
    expect(second.headers.authorization).toBe(await check.authHeader());
  });

  it("explains AccessDenied on the second hop in terms of the chained trust", async () => {
    const provider = await chain({
      status: 403,
      body: stsError("AccessDenied", "not authorized to perform sts:AssumeRole"),
    });
    const err = (await provider
      .exchange(token, createExchangeContext())
      .catch((e: unknown) => e)) as FederationError;
    expect(err).toBeInstanceOf(FederationError);
    expect(err).toMatchObject({ code: "access_denied", cloudCode: "AccessDenied", status: 403 });
    expect(err.hint).toContain("arn:aws:sts::111111111111:assumed-role/web-identity/alice");
    expect(err.hint).toContain("sts:TagSession");
  });

  it("points at the clock when the chained signature is refused", async () => {
    const provider = await chain({
      status: 403,
      body: stsError("SignatureDoesNotMatch", "The request signature we calculated does not match"),
    });
    const err = (await provider
      .exchange(token, createExchangeContext())
      .catch((e: unknown) => e)) as FederationError;
    expect(err).toMatchObject({ code: "access_denied", cloudCode: "SignatureDoesNotMatch" });
    expect(err.hint).toContain("clock");
  });

  it("refuses claims that would widen a tag, and bad chaining options", async () => {
    const provider = await chain(
      { status: 200, body: stsSuccess("AssumeRole") },
      { tags: { user: "{{sub}}" } },
    );
    const err = (await provider
      .exchange(fakeToken({ sub: "*" }), createExchangeContext())
      .catch((e: unknown) => e)) as FederationError;
    expect(err.code).toBe("policy_refused");
    const base = awsProvider({ roleArn: FIRST, region: "eu-west-1" });
    expect(() => assumeRole(base, { roleArn: SECOND, durationSeconds: 7200 })).toThrow(/3600/);
    expect(() => assumeRole(base, { roleArn: SECOND, tags: { "aws:x": "y" } })).toThrow(FederationError);
    expect(() => assumeRole(base, { roleArn: SECOND, transitiveTagKeys: ["nope"] })).toThrow(/transitive/);
    expect(() => assumeRole(base, { roleArn: SECOND, externalId: "x" })).toThrow(/externalId/);
    expect(() => assumeRole(base, { roleArn: "arn:aws-cn:iam::222222222222:role/x" })).toThrow(/partition/);
    expect(assumeRole(base, { roleArn: SECOND }).key).not.toBe(
      assumeRole(base, { roleArn: SECOND, externalId: "ab" }).key,
    );
  });
});
