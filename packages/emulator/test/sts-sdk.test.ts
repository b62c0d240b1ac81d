import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from "@aws-sdk/client-sts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Emulator } from "../src/index.js";
import { awsEmulator, testClock } from "./aws-fixture.js";

// The official AWS SDK, which nobody here wrote, is the client: its parser and its SigV4 signer must accept the
// emulator's answers and be accepted by it.
const clock = testClock();
let emulator: Emulator;
let roleArn: string;
let chainedArn: string;
let sts: STSClient;

beforeAll(async () => {
  ({ emulator, roleArn, chainedArn } = await awsEmulator({ now: clock.now }));
  sts = new STSClient({ endpoint: emulator.urls.sts, region: "us-east-1", maxAttempts: 1 });
});
afterAll(async () => {
  sts.destroy();
  await emulator.stop();
});

async function sdkError(promise: Promise<unknown>): Promise<STSServiceException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(STSServiceException);
  return error as STSServiceException;
}

function webIdentity(token: string, extra: Partial<{ DurationSeconds: number; RoleArn: string }> = {}) {
  return new AssumeRoleWithWebIdentityCommand({
    RoleArn: roleArn,
    RoleSessionName: "sdk-test",
    WebIdentityToken: token,
    ...extra,
  });
}

describe("STS through @aws-sdk/client-sts", () => {
  it("AssumeRoleWithWebIdentity returns credentials that GetCallerIdentity accepts", async () => {
    const token = await emulator.idp.mint({ sub: "user:alice", aud: "sts.amazonaws.com" });
    const out = await sts.send(webIdentity(token, { DurationSeconds: 1800 }));
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(out.Credentials?.Expiration?.getTime()).toBe(Math.floor(clock.ms / 1000) * 1000 + 1_800_000);
    expect(out.SubjectFromWebIdentityToken).toBe("user:alice");
    expect(out.Audience).toBe("sts.amazonaws.com");
    expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/web/sdk-test");
    expect(out.Provider).toMatch(/^arn:aws:iam::123456789012:oidc-provider\/127\.0\.0\.1:\d+$/);
    expect(out.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const c = out.Credentials!;
    const signed = new STSClient({
      endpoint: emulator.urls.sts,
      region: "us-east-1",
      maxAttempts: 1,
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: c.SecretAccessKey!,
        sessionToken: c.SessionToken!,
      },
    });
    const me = await signed.send(new GetCallerIdentityCommand({}));
    expect(me).toMatchObject({
      Account: "123456789012",
      Arn: out.AssumedRoleUser?.Arn,
      UserId: out.AssumedRoleUser?.AssumedRoleId,
    });

    // Role chaining with the SDK's own signer: external id, session tags, source identity; one hour at most.
    const chained = await signed.send(
      new AssumeRoleCommand({
        RoleArn: chainedArn,
        RoleSessionName: "hop",
        ExternalId: "ext-123",
        Tags: [{ Key: "team", Value: "blue" }],
        SourceIdentity: "alice",
      }),
    );
    expect(chained.AssumedRoleUser?.Arn).toBe("arn:aws:sts::123456789012:assumed-role/chained/hop");
    expect(chained.SourceIdentity).toBe("alice");
    expect(chained.PackedPolicySize).toBeGreaterThan(0);
    const tooLong = await sdkError(
      signed.send(
        new AssumeRoleCommand({
          RoleArn: chainedArn,
          RoleSessionName: "hop",
          ExternalId: "ext-123",
          DurationSeconds: 7200,
        }),
      ),
    );
    expect(tooLong.name).toBe("ValidationError");
    expect(tooLong.message).toMatch(/1 hour session limit/);
    const noExternalId = await sdkError(
      signed.send(new AssumeRoleCommand({ RoleArn: chainedArn, RoleSessionName: "hop" })),
    );
    expect(noExternalId.name).toBe("AccessDenied");
    expect(noExternalId.$metadata.httpStatusCode).toBe(403);

    const forged = new STSClient({
      endpoint: emulator.urls.sts,
      region: "us-east-1",
      maxAttempts: 1,
      credentials: {
        accessKeyId: c.AccessKeyId!,
        secretAccessKey: `${c.SecretAccessKey!}x`,
        sessionToken: c.SessionToken!,
      },
    });
    expect((await sdkError(forged.send(new GetCallerIdentityCommand({})))).name).toBe(
      "SignatureDoesNotMatch",
    );
    // Move the emulator's clock past the session's expiry, and the SDK's with it (a skewed request would be refused
    // for its time before its token is looked at).
    clock.ms += 1801_000;
    signed.config.systemClockOffset = clock.ms - Date.now();
    const expired = await sdkError(signed.send(new GetCallerIdentityCommand({})));
    expect(expired.name).toBe("ExpiredToken");
    signed.destroy();
    forged.destroy();
  });

  it("shows the SDK AWS's error for a bad audience, a sub the trust policy refuses, an expired token and an unknown provider", async () => {
    const wrongAud = await sdkError(
      sts.send(webIdentity(await emulator.idp.mint({ sub: "user:a", aud: "other" }))),
    );
    expect(wrongAud.name).toBe("InvalidIdentityTokenException");
    expect(wrongAud.message).toBe("Incorrect token audience");
    expect(wrongAud.$metadata.httpStatusCode).toBe(400);

    const wrongSub = await sdkError(
      sts.send(webIdentity(await emulator.idp.mint({ sub: "robot:x", aud: "sts.amazonaws.com" }))),
    );
    expect(wrongSub.name).toBe("AccessDenied");
    expect(wrongSub.message).toBe("Not authorized to perform sts:AssumeRoleWithWebIdentity");
    expect(wrongSub.$metadata.httpStatusCode).toBe(403);

    const old = await emulator.idp.mint({ sub: "user:a", aud: "sts.amazonaws.com", ttlSeconds: 60 });
    clock.ms += 61_000;
    const expired = await sdkError(sts.send(webIdentity(old)));
    expect(expired.name).toBe("ExpiredTokenException");
    expect(expired.message).toMatch(
      /^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/,
    );

    const foreign = await emulator.idp.mint({
      sub: "user:a",
      aud: "sts.amazonaws.com",
      claims: { iss: "https://idp.example.com/tenant" },
    });
    const unknown = await sdkError(sts.send(webIdentity(foreign)));
    expect(unknown.name).toBe("InvalidIdentityTokenException");
    expect(unknown.message).toBe(
      "No OpenIDConnect provider found in your account for https://idp.example.com/tenant",
    );

    const tooLong = await sdkError(
      sts.send(
        webIdentity(await emulator.idp.mint({ sub: "user:a", aud: "sts.amazonaws.com" }), {
          DurationSeconds: 7201,
        }),
      ),
    );
    expect(tooLong.name).toBe("ValidationError");
  });
});
