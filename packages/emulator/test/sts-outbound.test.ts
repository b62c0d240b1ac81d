/// <reference types="node" />
/**
 * AWS outbound identity federation: `GetWebIdentityToken` through the official STS client, gated by the caller's
 * permission policy on `sts:IdentityTokenAudience` and `sts:DurationSeconds` (the policy AWS documents), refused
 * while the feature is off; the token, from the account's issuer, is then accepted by an emulated SaaS service.
 */
import { AssumeRoleWithWebIdentityCommand, GetWebIdentityTokenCommand, STSClient } from "@aws-sdk/client-sts";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addSaasService,
  type Emulator,
  GRANT_TOKEN_EXCHANGE,
  IssuerVerifier,
  platformsOf,
  startEmulator,
  TOKEN_TYPE_JWT,
} from "../src/index.js";
import { awsEmulator, webIdentityTrust } from "./aws-fixture.js";
import { postJson } from "./saas-support.js";

const OPENAI = "https://api.openai.com/v1";
let emulator: Emulator;
let sts: STSClient;

async function signedIn(target: Emulator, roleArn: string): Promise<STSClient> {
  const anonymous = new STSClient({
    endpoint: target.urls.sts,
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const { Credentials } = await anonymous.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: roleArn,
      RoleSessionName: "worker",
      WebIdentityToken: await target.idp.mint({ sub: "user:worker", aud: "sts.amazonaws.com" }),
    }),
  );
  return new STSClient({
    endpoint: target.urls.sts,
    region: "us-east-1",
    credentials: {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    },
  });
}

beforeAll(async () => {
  emulator = await startEmulator({ platforms: {}, saas: {} });
  const provider = emulator.aws.createOpenIdConnectProvider({
    url: emulator.urls.idp,
    clientIds: ["sts.amazonaws.com"],
  });
  const role = emulator.aws.putRole({
    name: "DataProcessingRole",
    trustPolicy: webIdentityTrust(provider.arn, provider.hostPath, "user:*"),
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: "sts:GetWebIdentityToken",
            Resource: "*",
            Condition: {
              "ForAllValues:StringEquals": { "sts:IdentityTokenAudience": OPENAI },
              NumericLessThanEquals: { "sts:DurationSeconds": "300" },
            },
          },
        ],
      },
    ],
  });
  sts = await signedIn(emulator, role.arn);
});
afterAll(() => emulator.stop());

describe("GetWebIdentityToken", () => {
  it("returns a JWT from the account's issuer naming the role, verifiable through discovery", async () => {
    const answer = await sts.send(
      new GetWebIdentityTokenCommand({ Audience: [OPENAI], SigningAlgorithm: "RS256", DurationSeconds: 300 }),
    );
    const token = answer.WebIdentityToken!;
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: platformsOf(emulator).issuer("aws", "123456789012"),
      aud: OPENAI,
      sub: "arn:aws:iam::123456789012:role/DataProcessingRole",
      "https://sts.amazonaws.com/": { aws_account: "123456789012" },
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(300);
    expect(answer.Expiration?.getTime()).toBe((claims.exp as number) * 1000);
    await expect(new IssuerVerifier().verify(token)).resolves.toBeDefined();
  });

  it("refuses an audience or a duration the permission policy does not allow, and a bad algorithm", async () => {
    await expect(
      sts.send(
        new GetWebIdentityTokenCommand({ Audience: ["https://evil.example"], SigningAlgorithm: "RS256" }),
      ),
    ).rejects.toMatchObject({ name: "AccessDenied" });
    await expect(
      sts.send(
        new GetWebIdentityTokenCommand({
          Audience: [OPENAI],
          SigningAlgorithm: "RS256",
          DurationSeconds: 900,
        }),
      ),
    ).rejects.toMatchObject({ name: "AccessDenied" });
    await expect(
      sts.send(new GetWebIdentityTokenCommand({ Audience: [OPENAI], SigningAlgorithm: "HS256" })),
    ).rejects.toMatchObject({ name: "ValidationError" });
  });

  it("answers SessionDurationEscalation when the token would outlive the signing session", async () => {
    const clock = { ms: Math.floor(Date.now() / 1000) * 1000 }; // session expirations are whole seconds
    const timed = await startEmulator({ platforms: {} }, { now: () => clock.ms });
    try {
      const provider = timed.aws.createOpenIdConnectProvider({
        url: timed.urls.idp,
        clientIds: ["sts.amazonaws.com"],
      });
      const role = timed.aws.putRole({
        name: "r",
        trustPolicy: webIdentityTrust(provider.arn, provider.hostPath, "user:*"),
        permissionPolicies: [
          {
            Version: "2012-10-17",
            Statement: { Effect: "Allow", Action: "sts:GetWebIdentityToken", Resource: "*" },
          },
        ],
      });
      const client = await signedIn(timed, role.arn);
      // The SDK re-derives its offset from each answer's Date header (real time), so set it before every call.
      const ask = (DurationSeconds: number) => {
        client.config.systemClockOffset = clock.ms - Date.now();
        return client.send(
          new GetWebIdentityTokenCommand({ Audience: [OPENAI], SigningAlgorithm: "RS256", DurationSeconds }),
        );
      };
      clock.ms += 3300_000; // the session (3600 s) has 300 s left
      await expect(ask(300)).resolves.toMatchObject({ WebIdentityToken: expect.any(String) });
      await expect(ask(301)).rejects.toMatchObject({
        name: "SessionDurationEscalation",
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      await timed.stop();
    }
  });

  it("answers OutboundWebIdentityFederationDisabled when the emulator runs no platform issuers", async () => {
    const { emulator: plain, roleArn } = await awsEmulator();
    try {
      plain.aws.putRole({
        name: "web",
        trustPolicy: plain.state.aws.roles.get("web")!.trustPolicy,
        permissionPolicies: [
          {
            Version: "2012-10-17",
            Statement: { Effect: "Allow", Action: "sts:GetWebIdentityToken", Resource: "*" },
          },
        ],
      });
      const client = await signedIn(plain, roleArn);
      await expect(
        client.send(new GetWebIdentityTokenCommand({ Audience: [OPENAI], SigningAlgorithm: "RS256" })),
      ).rejects.toMatchObject({
        name: "OutboundWebIdentityFederationDisabled",
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      await plain.stop();
    }
  });

  it("federates AWS to an emulated OpenAI with no stored key", async () => {
    const issuer = platformsOf(emulator).issuer("aws", "123456789012");
    const base = addSaasService(emulator, {
      name: "openai",
      preset: "openai",
      issuers: [{ issuer, id: "idp_aws", audience: OPENAI }],
      bindings: [{ id: "svc_data", issuer, subject: "arn:aws:iam::123456789012:role/DataProcessingRole" }],
    });
    const { WebIdentityToken } = await sts.send(
      new GetWebIdentityTokenCommand({ Audience: [OPENAI], SigningAlgorithm: "ES384" }),
    );
    const { status, body } = await postJson(`${base}/oauth/token`, {
      grant_type: GRANT_TOKEN_EXCHANGE,
      subject_token_type: TOKEN_TYPE_JWT,
      subject_token: WebIdentityToken,
      identity_provider_id: "idp_aws",
      service_account_id: "svc_data",
    });
    expect(status).toBe(200);
    expect(body["expires_in"]).toBeLessThanOrEqual(300);
  });
});
