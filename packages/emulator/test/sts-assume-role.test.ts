import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index.js";
import { awsEmulator } from "./aws-fixture.js";

// AssumeRole's same-account rules and chaining, through the official SDK's signer.
let emulator: Emulator;
let roleArn: string;
let client: STSClient;

beforeAll(async () => {
  ({ emulator, roleArn } = await awsEmulator());
  const token = await emulator.idp.mint({
    sub: "user:alice",
    aud: "sts.amazonaws.com",
    claims: {
      "https://aws.amazon.com/tags": {
        principal_tags: { team: ["blue"], user: ["alice"] },
        transitive_tag_keys: ["team"],
      },
    },
  });
  const anonymous = new STSClient({ endpoint: emulator.urls.sts, region: "us-east-1", maxAttempts: 1 });
  const out = await anonymous.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn,
      RoleSessionName: "alice",
      WebIdentityToken: token,
    }),
  );
  anonymous.destroy();
  const c = out.Credentials!;
  client = new STSClient({
    endpoint: emulator.urls.sts,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    },
  });
});
afterAll(async () => {
  client.destroy();
  await emulator.stop();
});

const accountTrust = {
  Version: "2012-10-17" as const,
  Statement: {
    Effect: "Allow" as const,
    Principal: { AWS: "arn:aws:iam::123456789012:root" },
    Action: "sts:AssumeRole",
  },
};

async function errorName(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "resolved",
    (e: Error) => e.name,
  );
}

describe("AssumeRole", () => {
  it("delegates to the caller's permission policy when the trust policy names only the account", async () => {
    const target = emulator.aws.putRole({ name: "delegated", trustPolicy: accountTrust });
    const ok = await client.send(new AssumeRoleCommand({ RoleArn: target.arn, RoleSessionName: "d1" }));
    expect(ok.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/delegated/d1");
    // Take sts:AssumeRole away from the caller's role: the account-wide trust alone no longer grants it.
    const web = emulator.state.aws.roles.get("web")!;
    const saved = web.permissionPolicies;
    web.permissionPolicies = [];
    try {
      expect(
        await errorName(client.send(new AssumeRoleCommand({ RoleArn: target.arn, RoleSessionName: "d2" }))),
      ).toBe("AccessDenied");
    } finally {
      web.permissionPolicies = saved;
    }
  });

  it("carries transitive tags into the chained session and refuses to change them", async () => {
    const target = emulator.aws.putRole({
      name: "tagged",
      // Naming the caller's role grants on its own; naming the account would also need sts:TagSession in the
      // caller's permission policy.
      trustPolicy: {
        Version: "2012-10-17",
        Statement: {
          Effect: "Allow",
          Principal: { AWS: roleArn },
          Action: ["sts:AssumeRole", "sts:TagSession"],
        },
      },
    });
    const out = await client.send(
      new AssumeRoleCommand({
        RoleArn: target.arn,
        RoleSessionName: "t1",
        Tags: [{ Key: "stage", Value: "dev" }],
      }),
    );
    const session = emulator.state.aws.sessions.get(out.Credentials!.AccessKeyId!)!;
    expect(session.tags).toEqual({ team: "blue", stage: "dev" });
    expect(session.chained).toBe(true);
    expect(session.expiresAt - Date.now()).toBeLessThanOrEqual(3_600_000);
    const override = client.send(
      new AssumeRoleCommand({
        RoleArn: target.arn,
        RoleSessionName: "t2",
        Tags: [{ Key: "team", Value: "red" }],
      }),
    );
    expect(await errorName(override)).toBe("InvalidParameterValue");
  });

  it("needs sts:TagSession for session tags and refuses an unknown role", async () => {
    const target = emulator.aws.putRole({ name: "plain", trustPolicy: accountTrust });
    const tagged = client.send(
      new AssumeRoleCommand({ RoleArn: target.arn, RoleSessionName: "p1", Tags: [{ Key: "a", Value: "b" }] }),
    );
    expect(await errorName(tagged)).toBe("AccessDenied");
    const missing = client.send(
      new AssumeRoleCommand({ RoleArn: "arn:aws:iam::123456789012:role/none", RoleSessionName: "p2" }),
    );
    expect(await errorName(missing)).toBe("AccessDenied");
  });
});
