import type { PolicyDocument } from "../src/index.js";
import { type Emulator, type StartOptions, startEmulator } from "../src/index.js";

/** A test clock the emulator reads; tests move `clock.ms`. */
export function testClock(start = Date.now()) {
  const clock = { ms: start, now: () => clock.ms };
  return clock;
}

/** The trust policy a fedkit user writes: the provider as Federated principal, `aud` and `sub` pinned. */
export function webIdentityTrust(providerArn: string, hostPath: string, sub: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: providerArn },
        Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
        Condition: {
          StringEquals: { [`${hostPath}:aud`]: "sts.amazonaws.com" },
          StringLike: { [`${hostPath}:sub`]: sub },
        },
      },
    ],
  };
}

/**
 * An emulator whose own IdP is registered as an IAM OIDC provider, with role `web` (trusting `sub` = `user:*`),
 * role `chained` (trusting sessions of `web` with an external id) and a bucket.
 */
export async function awsEmulator(options: StartOptions = {}): Promise<{
  emulator: Emulator;
  providerArn: string;
  hostPath: string;
  roleArn: string;
  chainedArn: string;
}> {
  const emulator = await startEmulator(
    { aws: { buckets: [{ name: "media", objects: { "a.txt": "hi" } }] } },
    options,
  );
  const provider = emulator.aws.createOpenIdConnectProvider({
    url: emulator.urls.idp,
    clientIds: ["sts.amazonaws.com"],
  });
  const role = emulator.aws.putRole({
    name: "web",
    trustPolicy: webIdentityTrust(provider.arn, provider.hostPath, "user:*"),
    permissionPolicies: [
      { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" } },
    ],
    maxSessionDurationSeconds: 7200,
  });
  const chained = emulator.aws.putRole({
    name: "chained",
    path: "/team/",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { AWS: role.arn },
        Action: ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        Condition: { StringEquals: { "sts:ExternalId": "ext-123" } },
      },
    },
  });
  return {
    emulator,
    providerArn: provider.arn,
    hostPath: provider.hostPath,
    roleArn: role.arn,
    chainedArn: chained.arn,
  };
}
