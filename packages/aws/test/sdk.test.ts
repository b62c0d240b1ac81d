import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { Credentials, Provider } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import type { AwsCredentials } from "../src/credentials.js";
import type { CredentialGetter } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { fromFederation } from "../src/sdk.js";
import { type FakeServer, startServer } from "./helpers.js";

const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });
const expiresAt = Date.now() + 3600_000;

function federation(): CredentialGetter & { calls: number } {
  return {
    calls: 0,
    async getCredentials<C extends Credentials>(_p: Provider<C>) {
      this.calls++;
      const creds: AwsCredentials = {
        kind: "aws",
        accessKeyId: "ASIAFEDKITSDKTEST01",
        secretAccessKey: "sdk-secret",
        sessionToken: "sdk-session-token",
        expiresAt,
        assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/r/alice",
      };
      return creds as unknown as C;
    },
  };
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("fromFederation (AWS SDK v3 credential provider)", () => {
  it("returns the SDK's identity shape with expiration and account id", async () => {
    const identity = await fromFederation(federation(), provider)();
    expect(identity).toEqual({
      accessKeyId: "ASIAFEDKITSDKTEST01",
      secretAccessKey: "sdk-secret",
      sessionToken: "sdk-session-token",
      expiration: new Date(expiresAt),
      accountId: "123456789012",
    });
  });

  it("is accepted as `credentials:` by @aws-sdk/client-s3, which signs with it", async () => {
    server = await startServer(() => ({
      status: 200,
      body: "object body",
      headers: { "content-type": "text/plain" },
    }));
    const fed = federation();
    const s3 = new S3Client({
      region: "eu-west-1",
      endpoint: server.origin,
      forcePathStyle: true,
      credentials: fromFederation(fed, provider),
      maxAttempts: 1,
    });
    const out = await s3.send(new GetObjectCommand({ Bucket: "private", Key: "hello.txt" }));
    expect(await out.Body?.transformToString()).toBe("object body");
    const [req] = server.requests;
    expect(req!.url).toBe("/private/hello.txt?x-id=GetObject");
    expect(req!.headers.authorization).toMatch(
      /Credential=ASIAFEDKITSDKTEST01\/\d{8}\/eu-west-1\/s3\/aws4_request/,
    );
    expect(req!.headers["x-amz-security-token"]).toBe("sdk-session-token");
    expect(fed.calls).toBeGreaterThanOrEqual(1);
    s3.destroy();
  });
});
