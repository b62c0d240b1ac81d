// The core's provider contract (@fedkit/core/testing) for awsProvider and assumeRole, against the emulator.
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
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
  const options = {
    roleArn: role.arn,
    region: "us-east-1",
    endpoint: emulator.urls.sts,
    allowCustomEndpoint: true,
    env: {},
  } as const;
  const base = awsProvider(options);
  const other = `${role.arn.slice(0, role.arn.lastIndexOf("/"))}/other`;
  // Every option that changes what the session may do, one at a time.
  const baseVariants = {
    roleArn: awsProvider({ ...options, roleArn: other }),
    audience: awsProvider({ ...options, audience: "other-audience" }),
    durationSeconds: awsProvider({ ...options, durationSeconds: 900 }),
    policy: awsProvider({ ...options, policy: { Version: "2012-10-17", Statement: [] } }),
    policyArns: awsProvider({ ...options, policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }),
    sessionName: awsProvider({ ...options, sessionName: "other-session" }),
    endpoint: awsProvider({ ...options, endpoint: `${emulator.urls.sts}/other` }),
  };
  const subject = decodeSubjectToken(await emulator.idp.mint({ sub: "ok", aud: "sts.amazonaws.com" }));
  // The contract stubs globalThis.fetch during the exchange, which the in-process emulator would also use to
  // fetch the issuer's JWKS. One exchange beforehand warms its JWKS cache, as AWS caches keys too.
  await base.exchange(subject, createExchangeContext());
  const chainedOptions = { roleArn: second.arn } as const;
  return {
    emulator,
    base,
    sameBase: () => awsProvider({ ...options }),
    baseVariants,
    chained: assumeRole(base, chainedOptions),
    sameChained: () => assumeRole(awsProvider({ ...options }), { ...chainedOptions }),
    chainedVariants: {
      base: assumeRole(baseVariants.roleArn, chainedOptions),
      roleArn: assumeRole(base, { roleArn: other }),
      externalId: assumeRole(base, { ...chainedOptions, externalId: "other" }),
      tags: assumeRole(base, { ...chainedOptions, tags: { team: "other" } }),
      sourceIdentity: assumeRole(base, { ...chainedOptions, sourceIdentity: "other" }),
      durationSeconds: assumeRole(base, { ...chainedOptions, durationSeconds: 900 }),
      policyArns: assumeRole(base, {
        ...chainedOptions,
        policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
      }),
      sessionName: assumeRole(base, { ...chainedOptions, sessionName: "other-session" }),
    },
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
      sameConfig: fx.sameBase,
      permissionVariants: fx.baseVariants,
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
      sameConfig: fx.sameChained,
      permissionVariants: fx.chainedVariants,
      subject: fx.subject,
      rejectedSubject: fx.rejectedSubject,
      close: () => fx.emulator.stop(),
    };
  },
  { describe, it, expect },
);
