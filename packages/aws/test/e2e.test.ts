// End to end against the local AWS (@fedkit/emulator): its IdP mints the token, its STS verifies it the way AWS
// does and evaluates the role's trust policy, its S3 verifies SigV4 and evaluates the permission policy.
import { createHash } from "node:crypto";
import { GetObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import {
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from "@aws-sdk/client-sts";
import { callbackToken, createFederation, type Federation, FederationError } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { type Emulator, startEmulator } from "@fedkit/emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assumeRole } from "../src/assume-role.js";
import { awsFetch } from "../src/fetch.js";
import { type AwsProvider, awsProvider } from "../src/provider.js";
import { fromFederation } from "../src/sdk.js";

let emulator: Emulator;
/** Moves the emulator's clock (not fedkit's) to test expiry. */
let skewMs = 0;
let hostPath: string;
let readerArn: string;
let chainedArn: string;

const TAGS_CLAIM = "https://aws.amazon.com/tags";
const tagged = (user: string) => ({
  [TAGS_CLAIM]: { principal_tags: { user: [user] }, transitive_tag_keys: ["user"] },
});

beforeAll(async () => {
  emulator = await startEmulator(
    {
      aws: {
        buckets: [
          {
            name: "private",
            objects: {
              "shared/report.txt": "quarterly numbers",
              "users/alice/notes.txt": "alice's notes",
              "users/bob/notes.txt": "bob's notes",
            },
          },
        ],
      },
    },
    { now: () => Date.now() + skewMs },
  );
  const oidc = emulator.aws.createOpenIdConnectProvider({
    url: emulator.urls.idp,
    clientIds: ["sts.amazonaws.com"],
  });
  hostPath = oidc.hostPath;
  const reader = emulator.aws.putRole({
    name: "reader",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: oidc.arn },
          Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
          Condition: {
            StringEquals: { [`${hostPath}:aud`]: "sts.amazonaws.com" },
            StringLike: { [`${hostPath}:sub`]: "user:*" },
          },
        },
      ],
    },
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::private/shared/*" },
          // Per-user scoping by principal tag, no session policy needed.
          {
            Effect: "Allow",
            Action: "s3:GetObject",
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template
            Resource: "arn:aws:s3:::private/users/${aws:PrincipalTag/user}/*",
          },
          {
            Effect: "Allow",
            Action: "s3:PutObject",
            // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template
            Resource: "arn:aws:s3:::private/users/${aws:PrincipalTag/user}/*",
          },
          { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" },
        ],
      },
    ],
  });
  readerArn = reader.arn;
  chainedArn = emulator.aws.putRole({
    name: "auditor",
    path: "/team/",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { AWS: readerArn },
        Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        Condition: { StringEquals: { "sts:ExternalId": "ext-123" } },
      },
    },
  }).arn;
});
afterAll(async () => {
  await emulator?.stop();
});

function reader(options: Record<string, unknown> = {}): AwsProvider {
  return awsProvider({
    roleArn: readerArn,
    region: "us-east-1",
    endpoint: emulator.urls.sts,
    allowCustomEndpoint: true,
    env: {},
    ...options,
  });
}

/** A signed S3 client on the emulator's S3 (opted in by origin) for `provider` (default: the reader role). */
function s3For(federation: Federation, provider: AwsProvider = reader()) {
  return awsFetch(federation, provider, {
    service: "s3",
    region: "us-east-1",
    allowedOrigins: [new URL(emulator.urls.s3).origin],
  });
}

function federationFor(sub: string, claims: Record<string, unknown> = {}): Federation {
  return createFederation({
    audit: memoryAudit(),
    source: callbackToken(async ({ audience }) => emulator.idp.mint({ sub, aud: audience, claims })),
  });
}

describe("end to end: emulator IdP → fedkit → emulator STS → signed S3 GET", () => {
  it("reads a private object with the exchanged credentials", async () => {
    const federation = federationFor("user:alice", tagged("alice"));
    const aws = reader();
    const creds = await federation.getCredentials(aws);
    expect(creds.accessKeyId).toMatch(/^ASIA/);
    expect(creds.assumedRoleArn).toBe("arn:aws:sts::123456789012:assumed-role/reader/user-alice");
    const s3 = s3For(federation, aws);
    const res = await s3(`${emulator.urls.s3}/private/shared/report.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("quarterly numbers");
    const unsigned = await fetch(`${emulator.urls.s3}/private/shared/report.txt`);
    expect(unsigned.status).toBe(403);
  });

  it("refuses a token whose sub the trust policy does not allow; fedkit's error names iss/sub/aud", async () => {
    const federation = federationFor("mallory", tagged("mallory"));
    const err = await federation.getCredentials(reader()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FederationError);
    const fe = err as FederationError;
    expect(fe).toMatchObject({
      code: "access_denied",
      cloudCode: "AccessDenied",
      status: 403,
      provider: "aws",
    });
    expect(fe.subject).toEqual({ iss: emulator.urls.idp, sub: "mallory", aud: "sts.amazonaws.com" });
    expect(fe.message).toContain(`iss=${emulator.urls.idp}`);
    expect(fe.message).toContain("sub=mallory");
    expect(fe.message).toContain("aud=sts.amazonaws.com");
    expect(fe.hint).toContain(`"${hostPath}:sub" ("mallory")`);
  });

  it("keeps user A out of user B's prefix by principal tag, without a session policy", async () => {
    const federation = federationFor("user:alice", tagged("alice"));
    const s3 = s3For(federation);
    const own = await s3(`${emulator.urls.s3}/private/users/alice/notes.txt`);
    expect(own.status).toBe(200);
    expect(await own.text()).toBe("alice's notes");
    const other = await s3(`${emulator.urls.s3}/private/users/bob/notes.txt`);
    expect(other.status).toBe(403);
    expect(await other.text()).toContain("<Code>AccessDenied</Code>");
  });

  it("chains into a second role with an external id; the chained credentials are accepted by the SDK", async () => {
    const federation = federationFor("user:alice", tagged("alice"));
    const chained = assumeRole(reader(), {
      roleArn: chainedArn,
      externalId: "ext-123",
      sourceIdentity: "alice",
    });
    const creds = await federation.getCredentials(chained);
    const sts = new STSClient({
      endpoint: emulator.urls.sts,
      region: "us-east-1",
      maxAttempts: 1,
      credentials: creds,
    });
    const who = await sts.send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toMatch(/^arn:aws:sts::123456789012:assumed-role\/auditor\//);
    sts.destroy();
    const wrong = assumeRole(reader(), { roleArn: chainedArn, externalId: "ext-999" });
    const err = (await federation.getCredentials(wrong).catch((e: unknown) => e)) as FederationError;
    expect(err).toMatchObject({ code: "access_denied", cloudCode: "AccessDenied" });
  });
});

describe("the same credentials in other clients", () => {
  it("@aws-sdk/client-s3 with fromFederation reads alice's object and is refused bob's", async () => {
    const federation = federationFor("user:alice", tagged("alice"));
    const s3 = new S3Client({
      region: "us-east-1",
      endpoint: emulator.urls.s3,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: fromFederation(federation, reader()),
    });
    const own = await s3.send(new GetObjectCommand({ Bucket: "private", Key: "users/alice/notes.txt" }));
    expect(await own.Body?.transformToString()).toBe("alice's notes");
    const denied = await s3
      .send(new GetObjectCommand({ Bucket: "private", Key: "users/bob/notes.txt" }))
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(S3ServiceException);
    expect((denied as S3ServiceException).name).toBe("AccessDenied");
    s3.destroy();
  });

  it("signs a PUT's body and content-type; the same signature with another body or type is refused", async () => {
    const federation = federationFor("user:alice", tagged("alice"));
    const s3 = s3For(federation);
    const url = `${emulator.urls.s3}/private/users/alice/upload.csv`;
    const init = { method: "PUT", body: "a,b\n1,2", headers: { "content-type": "text/csv" } };
    expect((await s3(url, init)).status).toBe(200);
    expect(await (await s3(url)).text()).toBe("a,b\n1,2");
    const signed = await s3.sign(url, init);
    expect(signed.headers.get("authorization")).toContain("SignedHeaders=content-type;host;");
    const resend = (body: string, type: string) =>
      fetch(url, {
        method: "PUT",
        headers: { ...Object.fromEntries(signed.headers), "content-type": type },
        body,
      });
    // S3 checks the body against the signed hash first (400 XAmzContentSHA256Mismatch, as AWS answers).
    const otherBody = await resend("a,b\n1,3", "text/csv");
    expect(otherBody.status).toBe(400);
    expect(await otherBody.text()).toContain("XAmzContentSHA256Mismatch");
    expect((await resend("a,b\n1,2", "text/html")).status).toBe(403);
    expect((await resend("a,b\n1,2", "text/csv")).status).toBe(200);
  });

  it("streams a body whose hash the caller declared, unread, and S3 accepts it", async () => {
    const federation = federationFor("user:alice", tagged("alice"));
    const s3 = s3For(federation);
    const url = `${emulator.urls.s3}/private/users/alice/streamed.txt`;
    const text = "streamed body";
    const stream = new Blob([text]).stream();
    const declared = createHash("sha256").update(text).digest("hex");
    const init = {
      method: "PUT",
      body: stream,
      duplex: "half",
      headers: { "x-amz-content-sha256": declared },
    };
    expect((await s3(url, init as RequestInit)).status).toBe(200);
    expect(await (await s3(url)).text()).toBe(text);
  });

  it("a presigned URL works without credentials and stops at its expiry", async () => {
    const federation = federationFor("user:alice", tagged("alice"));
    const s3 = s3For(federation);
    const url = await s3.presign(`${emulator.urls.s3}/private/users/alice/notes.txt`, { expiresIn: 60 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("alice's notes");
    const tampered = url.replace("users/alice", "users/bob");
    expect((await fetch(tampered)).status).toBe(403);
    skewMs = 61_000;
    try {
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain("<Code>AccessDenied</Code>");
    } finally {
      skewMs = 0;
    }
  });
});

describe("parity with @aws-sdk/client-sts against the same emulator", () => {
  it("gets equivalent credentials and the same refusal for the same token", async () => {
    const sts = new STSClient({ endpoint: emulator.urls.sts, region: "us-east-1", maxAttempts: 1 });
    const token = await emulator.idp.mint({
      sub: "user:carol",
      aud: "sts.amazonaws.com",
      claims: tagged("carol"),
    });
    const sdk = await sts.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: readerArn,
        RoleSessionName: "parity",
        WebIdentityToken: token,
        DurationSeconds: 900,
      }),
    );
    const federation = createFederation({ audit: memoryAudit(), source: callbackToken(async () => token) });
    const ours = await federation.getCredentials(reader({ sessionName: "parity", durationSeconds: 900 }));
    expect(ours.assumedRoleArn).toBe(sdk.AssumedRoleUser?.Arn);
    expect(Math.abs(ours.expiresAt - sdk.Credentials!.Expiration!.getTime())).toBeLessThan(5000);
    const whoSdk = await new STSClient({
      endpoint: emulator.urls.sts,
      region: "us-east-1",
      credentials: {
        accessKeyId: sdk.Credentials!.AccessKeyId!,
        secretAccessKey: sdk.Credentials!.SecretAccessKey!,
        sessionToken: sdk.Credentials!.SessionToken!,
      },
    }).send(new GetCallerIdentityCommand({}));
    const whoOurs = await new STSClient({
      endpoint: emulator.urls.sts,
      region: "us-east-1",
      credentials: ours,
    }).send(new GetCallerIdentityCommand({}));
    expect(whoOurs.Arn).toBe(whoSdk.Arn);
    expect(whoOurs.Account).toBe(whoSdk.Account);

    const bad = await emulator.idp.mint({ sub: "mallory", aud: "sts.amazonaws.com" });
    const sdkErr = (await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: readerArn,
          RoleSessionName: "parity",
          WebIdentityToken: bad,
        }),
      )
      .catch((e: unknown) => e)) as STSServiceException;
    expect(sdkErr).toBeInstanceOf(STSServiceException);
    const ourErr = (await createFederation({ audit: memoryAudit(), source: callbackToken(async () => bad) })
      .getCredentials(reader({ sessionName: "parity" }))
      .catch((e: unknown) => e)) as FederationError;
    expect(ourErr.cloudCode).toBe(sdkErr.name);
    expect(ourErr.status).toBe(sdkErr.$metadata.httpStatusCode);
    expect(ourErr.cloudMessage).toBe(sdkErr.message);
    sts.destroy();
  });
});
