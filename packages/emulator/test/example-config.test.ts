import { fileURLToPath } from "node:url";
import { GetObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, loadConfigFile, startEmulator } from "../src/index.js";

// The example shipped with the package must load, and do what docs/emulator.md says it does.
const example = fileURLToPath(new URL("../examples/emulator.config.json", import.meta.url));
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator(await loadConfigFile(example));
});
afterAll(() => emulator.stop());

async function credentialsFor(user: string) {
  const token = await emulator.idp.mint({
    sub: `user:${user}`,
    aud: "sts.amazonaws.com",
    claims: { "https://aws.amazon.com/tags": { principal_tags: { user: [user] } } },
  });
  const sts = new STSClient({ endpoint: emulator.urls.sts, region: "us-east-1", maxAttempts: 1 });
  const out = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: "arn:aws:iam::123456789012:role/edge-reader",
      RoleSessionName: user,
      WebIdentityToken: token,
    }),
  );
  sts.destroy();
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

describe("examples/emulator.config.json", () => {
  it("registers the built-in IdP as the OIDC provider, with {{idp}} placeholders expanded", () => {
    const [provider] = [...emulator.state.aws.oidcProviders.values()];
    expect(provider?.url).toBe(emulator.urls.idp);
    const role = emulator.state.aws.roles.get("edge-reader")!;
    expect(JSON.stringify(role.trustPolicy)).toContain(`oidc-provider/${provider?.hostPath}`);
    expect(emulator.state.aws.objects.get("media")?.size).toBe(3);
  });

  it("lets alice read her own prefix and the shared one, not bob's, with the AWS SDK", async () => {
    const s3 = new S3Client({
      endpoint: emulator.urls.s3,
      region: "us-east-1",
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: await credentialsFor("alice"),
    });
    const own = await s3.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/notes.txt" }));
    expect(await own.Body?.transformToString()).toBe("alice's private notes\n");
    const shared = await s3.send(new GetObjectCommand({ Bucket: "media", Key: "public/hello.txt" }));
    expect(await shared.Body?.transformToString()).toContain("hello");
    const other = await s3
      .send(new GetObjectCommand({ Bucket: "media", Key: "users/bob/notes.txt" }))
      .catch((e: unknown) => e);
    expect(other).toBeInstanceOf(S3ServiceException);
    expect((other as S3ServiceException).name).toBe("AccessDenied");
    s3.destroy();
  });

  it("refuses a subject outside user:* with AccessDenied", async () => {
    const token = await emulator.idp.mint({ sub: "robot:1", aud: "sts.amazonaws.com" });
    const sts = new STSClient({ endpoint: emulator.urls.sts, region: "us-east-1", maxAttempts: 1 });
    const error = await sts
      .send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: "arn:aws:iam::123456789012:role/edge-reader",
          RoleSessionName: "robot",
          WebIdentityToken: token,
        }),
      )
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AccessDenied");
    sts.destroy();
  });
});
