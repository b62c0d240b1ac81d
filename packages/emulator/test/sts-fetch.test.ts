import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index.js";
import { awsEmulator, testClock } from "./aws-fixture.js";
import { parseXml, textAt } from "./xml.js";

// Every STS error path, driven with plain fetch so the exact status, XML and headers are visible.
const clock = testClock();
let emulator: Emulator;
let roleArn: string;
let hostPath: string;
let providerArn: string;

beforeAll(async () => {
  ({ emulator, roleArn, hostPath, providerArn } = await awsEmulator({ now: clock.now }));
});
afterAll(() => emulator.stop());

interface StsAnswer {
  status: number;
  code?: string;
  message?: string;
  body: string;
  requestId: string | null;
}

async function call(params: Record<string, string>, init: RequestInit = {}): Promise<StsAnswer> {
  const response = await fetch(emulator.urls.sts, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: new URLSearchParams(params),
    ...init,
  });
  const body = await response.text();
  expect(response.headers.get("content-type")).toBe("text/xml");
  const root = parseXml(body);
  const requestId = response.headers.get("x-amzn-requestid");
  if (root.name === "ErrorResponse") {
    expect(textAt(root, "Error/Type")).toBe("Sender");
    expect(textAt(root, "RequestId")).toBe(requestId);
    return {
      status: response.status,
      code: textAt(root, "Error/Code"),
      message: textAt(root, "Error/Message"),
      body,
      requestId,
    };
  }
  expect(textAt(root, "ResponseMetadata/RequestId")).toBe(requestId);
  return { status: response.status, body, requestId };
}

const base = { Action: "AssumeRoleWithWebIdentity", Version: "2011-06-15" };

async function web(token: string, extra: Record<string, string> = {}) {
  return call({ ...base, RoleArn: roleArn, RoleSessionName: "s1", WebIdentityToken: token, ...extra });
}

function good(claims: Record<string, unknown> = {}, sub = "user:alice") {
  return emulator.idp.mint({ sub, aud: "sts.amazonaws.com", claims });
}

describe("STS protocol errors", () => {
  it("answers MissingAction, InvalidAction and a wrong Version like AWS", async () => {
    expect(await call({ Version: "2011-06-15" })).toMatchObject({ status: 400, code: "MissingAction" });
    expect(await call({ Action: "GetSessionToken", Version: "2011-06-15" })).toMatchObject({
      status: 400,
      code: "InvalidAction",
      message: "Could not find operation GetSessionToken for version 2011-06-15",
    });
    expect(await call({ Action: "AssumeRoleWithWebIdentity", Version: "2010-01-01" })).toMatchObject({
      code: "InvalidAction",
    });
  });

  it("collects missing and invalid parameters into one ValidationError", async () => {
    const missing = await call(base);
    expect(missing).toMatchObject({ status: 400, code: "ValidationError" });
    expect(missing.message).toMatch(
      /^3 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; /,
    );
    const name = await web(await good(), { RoleSessionName: "has space" });
    expect(name.message).toBe(
      "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    );
    expect((await web(await good(), { RoleSessionName: "a" })).message).toMatch(
      /length greater than or equal to 2/,
    );
    expect((await web(await good(), { RoleSessionName: "a".repeat(65) })).message).toMatch(
      /length less than or equal to 64/,
    );
    expect((await web(await good(), { DurationSeconds: "899" })).message).toMatch(
      /'durationSeconds' .* greater than or equal to 900/,
    );
    expect((await web(await good(), { DurationSeconds: "43201" })).message).toMatch(
      /less than or equal to 43200/,
    );
    expect(await web(await good(), { DurationSeconds: "7201" })).toMatchObject({
      code: "ValidationError",
      message: "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    });
    expect(await web(await good(), { RoleArn: "arn:aws:s3:::bucket/objectkey" })).toMatchObject({
      code: "ValidationError",
      message: "Request ARN is invalid",
    });
  });

  it("accepts the query-string form and refuses a body that is not a form", async () => {
    const query = new URLSearchParams({
      ...base,
      RoleArn: roleArn,
      RoleSessionName: "qs",
      WebIdentityToken: await good(),
    });
    const response = await fetch(`${emulator.urls.sts}/?${query}`);
    expect(response.status, await response.clone().text()).toBe(200);
    const json = await call({}, { body: "{}", headers: { "content-type": "application/json" } });
    expect(json).toMatchObject({ status: 400, code: "InvalidParameterValue" });
  });
});

describe("AssumeRoleWithWebIdentity token checks", () => {
  it("names the issuer when no OIDC provider is registered for it", async () => {
    const token = await good({ iss: "https://token.actions.githubusercontent.com" });
    expect(await web(token)).toMatchObject({
      status: 400,
      code: "InvalidIdentityToken",
      message:
        "No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com",
    });
  });

  it("refuses a non-JWT, a forged signature, an unknown kid and a wrong audience with InvalidIdentityToken", async () => {
    expect(await web("abcd")).toMatchObject({ status: 400, code: "InvalidIdentityToken" });
    const token = await good();
    const [h, p, s] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "user:mallory" })).toString("base64url")}.${s}`;
    expect(await web(forged)).toMatchObject({ status: 400, code: "InvalidIdentityToken" });
    const ghost = `${Buffer.from(JSON.stringify({ alg: "RS256", kid: "ghost" })).toString("base64url")}.${p}.${s}`;
    const unknownKid = await web(ghost);
    expect(unknownKid).toMatchObject({ code: "InvalidIdentityToken" });
    expect(unknownKid.message).toMatch(/^Couldn't retrieve verification key from your identity provider/);
    const aud = await web(await emulator.idp.mint({ sub: "user:alice", aud: ["api://one", "api://two"] }));
    expect(aud).toMatchObject({
      status: 400,
      code: "InvalidIdentityToken",
      message: "Incorrect token audience",
    });
  });

  it("answers ExpiredTokenException for an expired token and InvalidIdentityToken for one not yet valid", async () => {
    const token = await emulator.idp.mint({ sub: "user:alice", aud: "sts.amazonaws.com", ttlSeconds: 30 });
    clock.ms += 31_000;
    const expired = await web(token);
    expect(expired).toMatchObject({ status: 400, code: "ExpiredTokenException" });
    expect(expired.message).toMatch(
      /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/,
    );
    const early = await good({ nbf: Math.floor(clock.ms / 1000) + 300 });
    expect(await web(early)).toMatchObject({ status: 400, code: "InvalidIdentityToken" });
  });

  it("answers IDPCommunicationError when the issuer cannot be reached", async () => {
    emulator.aws.createOpenIdConnectProvider({ url: "http://127.0.0.1:9", clientIds: ["sts.amazonaws.com"] });
    try {
      const token = await good({ iss: "http://127.0.0.1:9" });
      expect(await web(token)).toMatchObject({ status: 400, code: "IDPCommunicationError" });
    } finally {
      emulator.aws.deleteOpenIdConnectProvider("http://127.0.0.1:9");
    }
  });

  it("never echoes the token in any answer", async () => {
    const token = await good();
    for (const answer of [
      await web(token, { RoleSessionName: "bad name" }),
      await web(`${token}x`),
      await web(token, { RoleArn: "arn:aws:iam::123456789012:role/nope" }),
    ]) {
      expect(answer.body).not.toContain(token.split(".")[1]);
    }
  });
});

describe("AssumeRoleWithWebIdentity trust and session", () => {
  it("refuses a sub, an unknown role and another account's role with AccessDenied 403", async () => {
    const denied = {
      status: 403,
      code: "AccessDenied",
      message: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    };
    expect(await web(await good({}, "robot:x"))).toMatchObject(denied);
    expect(await web(await good(), { RoleArn: "arn:aws:iam::123456789012:role/missing" })).toMatchObject(
      denied,
    );
    expect(await web(await good(), { RoleArn: "arn:aws:iam::210987654321:role/web" })).toMatchObject(denied);
  });

  it("needs sts:TagSession for the tags claim and stores principal and transitive tags", async () => {
    const tagged = {
      "https://aws.amazon.com/tags": {
        principal_tags: { user: ["alice"], team: ["blue"] },
        transitive_tag_keys: ["team"],
      },
    };
    const ok = await web(await good(tagged));
    expect(ok.status).toBe(200);
    const root = parseXml(ok.body);
    const session = emulator.state.aws.sessions.get(
      textAt(root, "AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId")!,
    )!;
    expect(session.tags).toEqual({ user: "alice", team: "blue" });
    expect(session.transitiveTagKeys).toEqual(["team"]);
    expect(session.webIdentity).toEqual({
      iss: emulator.urls.idp,
      sub: "user:alice",
      aud: "sts.amazonaws.com",
      provider: providerArn,
    });
    expect(Number(textAt(root, "AssumeRoleWithWebIdentityResult/PackedPolicySize"))).toBeGreaterThan(0);

    emulator.aws.putRole({
      name: "notags",
      trustPolicy: {
        Version: "2012-10-17",
        Statement: {
          Effect: "Allow",
          Principal: { Federated: providerArn },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: { StringEquals: { [`${hostPath}:aud`]: "sts.amazonaws.com" } },
        },
      },
    });
    const notags = await web(await good(tagged), { RoleArn: "arn:aws:iam::123456789012:role/notags" });
    expect(notags).toMatchObject({
      status: 403,
      code: "AccessDenied",
      message: "Not authorized to perform sts:TagSession",
    });
    expect((await web(await good(), { RoleArn: "arn:aws:iam::123456789012:role/notags" })).status).toBe(200);
  });

  it("checks the session policy: malformed, too long, too large packed, and stores a good one with policy ARNs", async () => {
    expect(await web(await good(), { Policy: '{"Statement":{"Effect":"Maybe"}}' })).toMatchObject({
      status: 400,
      code: "MalformedPolicyDocument",
    });
    expect((await web(await good(), { Policy: " ".repeat(2049) })).message).toMatch(
      /'policy' .* less than or equal to 2048/,
    );
    // Random resource names do not compress: 2,000 characters of them exceed the packed budget.
    const noisy = Array.from({ length: 25 }, () => `"arn:aws:s3:::${randomBytes(45).toString("base64url")}"`);
    const big = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":[${noisy.join(",")}]}}`;
    expect(big.length).toBeLessThanOrEqual(2048);
    const tooLarge = await web(await good(), { Policy: big });
    expect(tooLarge).toMatchObject({ status: 400, code: "PackedPolicyTooLarge" });
    expect(tooLarge.message).toMatch(
      /^Packed policy consumes \d+% of allotted space, please use smaller policy\.$/,
    );

    const policy =
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"}}';
    const ok = await web(await good(), {
      Policy: policy,
      "PolicyArns.member.1.arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
    });
    expect(ok.status).toBe(200);
    const id = textAt(parseXml(ok.body), "AssumeRoleWithWebIdentityResult/Credentials/AccessKeyId")!;
    const session = emulator.state.aws.sessions.get(id)!;
    expect(session.sessionPolicies).toHaveLength(1);
    expect(session.policyArns).toEqual(["arn:aws:iam::aws:policy/ReadOnlyAccess"]);
    expect(session.expiresAt - Math.floor(clock.ms / 1000) * 1000).toBe(3_600_000);
  });
});

describe("signed STS calls", () => {
  it("refuses unsigned calls and unknown access keys with the query-protocol codes", async () => {
    expect(await call({ Action: "GetCallerIdentity", Version: "2011-06-15" })).toMatchObject({
      status: 403,
      code: "MissingAuthenticationToken",
    });
    const forged =
      "AWS4-HMAC-SHA256 Credential=ASIAAAAAAAAAAAAAAAAA/20300101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";
    const date = `${new Date(clock.ms).toISOString().replace(/[-:]/g, "").slice(0, 15)}Z`;
    const unknown = await call(
      { Action: "GetCallerIdentity", Version: "2011-06-15" },
      {
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: forged.replace("20300101", date.slice(0, 8)),
          "x-amz-date": date,
        },
      },
    );
    expect(unknown).toMatchObject({ status: 403, code: "InvalidClientTokenId" });
  });
});
