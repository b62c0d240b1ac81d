// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
/**
 * End to end inside the emulator, with official clients only: a token from the emulator's IdP, the SDK's STS
 * AssumeRoleWithWebIdentity (session tags from the token's `https://aws.amazon.com/tags` claim), then the SDK's S3
 * client with those credentials, scoped per user by the role's permission policy.
 */
import { GetObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index.js";

let emulator: Emulator;
let roleArn: string;

beforeAll(async () => {
  emulator = await startEmulator({
    aws: { buckets: [{ name: "media", objects: { "users/alice/a.txt": "A", "users/bob/b.txt": "B" } }] },
  });
  const provider = emulator.aws.createOpenIdConnectProvider({
    url: emulator.urls.idp,
    clientIds: ["sts.amazonaws.com"],
  });
  roleArn = emulator.aws.putRole({
    name: "per-user",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { Federated: provider.arn },
        Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        Condition: {
          StringEquals: { [`${provider.hostPath}:aud`]: "sts.amazonaws.com" },
          StringLike: { [`${provider.hostPath}:sub`]: "user:*" },
        },
      },
    },
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: {
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: "arn:aws:s3:::media/users/${aws:PrincipalTag/user}/*",
        },
      },
    ],
  }).arn;
});
afterAll(() => emulator?.stop());

async function s3For(user: string): Promise<S3Client> {
  const token = await emulator.idp.mint({
    sub: `user:${user}`,
    aud: "sts.amazonaws.com",
    claims: { "https://aws.amazon.com/tags": { principal_tags: { user: [user] }, transitive_tag_keys: [] } },
  });
  const sts = new STSClient({
    endpoint: emulator.urls.sts,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const { Credentials } = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn,
      RoleSessionName: user,
      WebIdentityToken: token,
    }),
  );
  return new S3Client({
    endpoint: emulator.urls.s3,
    forcePathStyle: true,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    },
  });
}

describe("STS credentials on S3", () => {
  it("user A reads their prefix and is refused user B's", async () => {
    const alice = await s3For("alice");
    const own = await alice.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/a.txt" }));
    expect(await own.Body!.transformToString()).toBe("A");
    const error = await alice
      .send(new GetObjectCommand({ Bucket: "media", Key: "users/bob/b.txt" }))
      .catch((e) => e);
    expect(error).toBeInstanceOf(S3ServiceException);
    expect(error).toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    expect(String(error.message)).toContain("assumed-role/per-user/alice");
  });
});
