// The core's provider contract (@fedkit/core/testing) for awsProvider and assumeRole, against the emulator.
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core";
import { testProvider } from "@fedkit/core/testing";
import { startEmulator } from "@fedkit/emulator";
import { describe, expect, it } from "vitest";
import { assumeRole } from "../src/assume-role.js";
import { awsProvider } from "../src/provider.js";

async function fixture() {
  const emulator = await startEmulator({});
  const oidc = emulator.aws.createOpenIdConnectProvider({
    url: emulator.urls.idp,
    clientIds: ["sts.amazonaws.com"],
  });
  const role = emulator.aws.putRole({
    name: "contract",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: {
        Effect: "Allow",
        Principal: { Federated: oidc.arn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${oidc.hostPath}:aud`]: "sts.amazonaws.com", [`${oidc.hostPath}:sub`]: "ok" },
        },
      },
    },
    permissionPolicies: [
      { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "sts:AssumeRole", Resource: "*" } },
    ],
  });
  const second = emulator.aws.putRole({
    name: "second",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Principal: { AWS: role.arn }, Action: "sts:AssumeRole" },
    },
  });
  const base = awsProvider({
    roleArn: role.arn,
    region: "us-east-1",
    endpoint: emulator.urls.sts,
    allowCustomEndpoint: true,
    env: {},
  });
  const subject = decodeSubjectToken(await emulator.idp.mint({ sub: "ok", aud: "sts.amazonaws.com" }));
  // The contract stubs globalThis.fetch during the exchange, which the in-process emulator would also use to
  // fetch the issuer's JWKS. One exchange beforehand warms its JWKS cache, as AWS caches keys too.
  await base.exchange(subject, createExchangeContext());
  return {
    emulator,
    base,
    chained: assumeRole(base, { roleArn: second.arn }),
    subject,
    rejectedSubject: decodeSubjectToken(await emulator.idp.mint({ sub: "not-ok", aud: "sts.amazonaws.com" })),
  };
}

testProvider(
  "awsProvider (AssumeRoleWithWebIdentity, emulator)",
  async () => {
    const fx = await fixture();
    return {
      provider: fx.base,
      subject: fx.subject,
      rejectedSubject: fx.rejectedSubject,
      close: () => fx.emulator.stop(),
    };
  },
  { describe, it, expect },
);

testProvider(
  "assumeRole (chained AssumeRole, emulator)",
  async () => {
    const fx = await fixture();
    return {
      provider: fx.chained,
      subject: fx.subject,
      rejectedSubject: fx.rejectedSubject,
      close: () => fx.emulator.stop(),
    };
  },
  { describe, it, expect },
);
