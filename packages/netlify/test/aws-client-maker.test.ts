// The AWS plugin makes a client per request (each request's credential getter carries its own ids) from one maker
// per provider and target: what each client signs with is its own request's getter, and a provider handed another
// target gets that target's service, region and origins, never the first one's.
import type { Credentials, Provider } from "@fedkit/core";
import { type AwsTargetConfig, awsCloud } from "@fedkit/netlify/aws";
import { describe, expect, it } from "vitest";

const EMULATOR = "http://127.0.0.1:4566";
const target: AwsTargetConfig = {
  cloud: "aws",
  roleArn: "arn:aws:iam::123456789012:role/r",
  region: "eu-west-1",
  allowedOrigins: [EMULATOR],
};
const provider = awsCloud.provider({
  target,
  targetName: "reports",
  durationSeconds: 900,
  env: () => undefined,
  siteId: "site",
  context: "production",
});

function getter(accessKeyId: string, asked: string[] = []) {
  return {
    async getCredentials<C extends Credentials>(
      _provider: Provider<C>,
      options?: { correlationId?: string },
    ) {
      asked.push(`${accessKeyId} ${options?.correlationId ?? "-"}`);
      const creds = {
        kind: "aws",
        accessKeyId,
        secretAccessKey: `secret-of-${accessKeyId}`,
        sessionToken: `token-of-${accessKeyId}`,
        expiresAt: Date.now() + 3600_000,
      };
      return creds as unknown as C;
    },
  };
}

const credentialOf = (request: Request) =>
  /Credential=([^,]+),/.exec(request.headers.get("authorization") ?? "")?.[1];

describe("awsCloud.client: a client per request from one maker per provider and target", () => {
  it("concurrent requests' clients each sign with their own request's getter", async () => {
    const asked: string[] = [];
    const ids = ["ASIAREQONE", "ASIAREQTWO", "ASIAREQTHREE"];
    const clients = ids.map((id) => awsCloud.client(getter(id, asked), provider, { target }));
    const signed = await Promise.all(
      [0, 1, 2, 0, 1].map((i) => clients[i]!.sign(`${EMULATOR}/bucket/${ids[i]}`)),
    );
    for (const request of signed) {
      const id = new URL(request.url).pathname.split("/").pop();
      expect(credentialOf(request)?.split("/")[0]).toBe(id);
      expect(request.headers.get("x-amz-security-token")).toBe(`token-of-${id}`);
    }
    expect(asked.sort()).toEqual([
      "ASIAREQONE -",
      "ASIAREQONE -",
      "ASIAREQTHREE -",
      "ASIAREQTWO -",
      "ASIAREQTWO -",
    ]);
  });

  it("the same provider with another target signs for that target's service and region, and back", async () => {
    const sqs: AwsTargetConfig = { ...target, service: "sqs", region: "eu-west-2" };
    const scope = async (t: AwsTargetConfig) =>
      credentialOf(await awsCloud.client(getter("ASIAONE"), provider, { target: t }).sign(`${EMULATOR}/q`));
    expect(await scope(target)).toMatch(/^ASIAONE\/\d{8}\/eu-west-1\/s3\/aws4_request$/);
    expect(await scope(sqs)).toMatch(/^ASIAONE\/\d{8}\/eu-west-2\/sqs\/aws4_request$/);
    expect(await scope(target)).toMatch(/\/eu-west-1\/s3\//);
    // A target without the emulator's origin refuses it: the first target's opt-in does not carry over.
    const closed: AwsTargetConfig = { ...target, allowedOrigins: undefined };
    await expect(
      awsCloud.client(getter("ASIAONE"), provider, { target: closed }).sign(`${EMULATOR}/q`),
    ).rejects.toMatchObject({
      code: "endpoint_refused",
    });
  });
});
