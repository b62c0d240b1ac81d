// STS samples and recorded traffic (../shared/oracles/aws-sts) parse to the right credentials or errors, and the
// recorded requests went to hosts AWS_STS_HOSTS accepts.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FederationError } from "@fedkit/core";
import { checkEndpoint, createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
import { oracleSuite } from "@fedkit/test-support/oracles";
import { afterEach, describe, expect, it } from "vitest";
import { parseRoleArn } from "../src/partition.js";
import { awsProvider } from "../src/provider.js";
import { stsFailure } from "../src/sts-errors.js";
import { AWS_STS_HOSTS_ANY_PARTITION } from "../src/sts-hosts.js";
import { parseStsError, parseStsResult } from "../src/sts-response.js";
import { type FakeServer, fakeToken, startServer } from "./helpers.js";

interface Event {
  action: {
    Request?: { request: { uri: string } };
    Response?: { response: { Ok: { status: number; headers: Record<string, string[]> } } };
    Data?: { direction: "Request" | "Response"; data: { Utf8: string } };
  };
}
interface Exchange {
  uri: string;
  requestBody: string;
  status: number;
  headers: Record<string, string[]>;
  responseBody: string;
}

function exchanges(events: Event[]): Exchange[] {
  const out: Exchange[] = [];
  let current: Partial<Exchange> = {};
  for (const { action } of events) {
    if (action.Request) current = { uri: action.Request.request.uri };
    if (action.Data?.direction === "Request") current.requestBody = action.Data.data.Utf8;
    if (action.Response) {
      current.status = action.Response.response.Ok.status;
      current.headers = action.Response.response.Ok.headers;
    }
    if (action.Data?.direction === "Response") {
      current.responseBody = action.Data.data.Utf8;
      out.push(current as Exchange);
    }
  }
  return out;
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

oracleSuite("aws-sts", { describe, it }, (dir) => {
  const read = (...p: string[]) => readFileSync(join(dir, ...p), "utf8");

  it("AWS API reference sample: AssumeRoleWithWebIdentity response", () => {
    const result = parseStsResult(
      read("aws-api-reference-AssumeRoleWithWebIdentity-sample-response.xml"),
      "AssumeRoleWithWebIdentity",
    );
    expect(result).toEqual({
      credentials: {
        kind: "aws",
        accessKeyId: "ASgeIAIOSFODNN7EXAMPLE",
        secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
        sessionToken: "AQoDYXdzEE0a8ANXXXXXXXXNO1ewxE5TijQyp+IEXAMPLE",
        expiresAt: Date.parse("2014-10-24T23:00:23Z"),
        assumedRoleArn: "arn:aws:sts::123456789012:assumed-role/FederatedWebIdentityRole/app1",
      },
      assumedRoleId: "AROACLKWSDQRAOEXAMPLE:app1",
      subjectFromWebIdentityToken: "amzn1.account.AF6RHO7KZU5XRVQJGXK6HB56KR2A",
      audience: "client.5498841531868486423.1548@apps.example.com",
      provider: "www.amazon.com",
      sourceIdentity: "SourceIdentityValue",
      requestId: "ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE",
    });
  });

  it("botocore GetSessionToken response: multi-line SessionToken kept verbatim, as botocore parses it", () => {
    const expected = JSON.parse(read("botocore-responses-sts-get-session-token.expected.json"));
    const result = parseStsResult(read("botocore-responses-sts-get-session-token.xml"), "GetSessionToken");
    expect(result.credentials).toEqual({
      kind: "aws",
      accessKeyId: expected.Credentials.AccessKeyId,
      secretAccessKey: expected.Credentials.SecretAccessKey,
      sessionToken: expected.Credentials.SessionToken,
      expiresAt: Date.parse(expected.Credentials.Expiration),
    });
    expect(result.requestId).toBe(expected.ResponseMetadata.RequestId);
  });

  it("botocore error envelope", () => {
    const expected = JSON.parse(read("botocore-errors-sts-get-session-token.expected.json"));
    expect(parseStsError(read("botocore-errors-sts-get-session-token.xml"))).toEqual({
      type: expected.Error.Type,
      code: expected.Error.Code,
      message: expected.Error.Message,
      requestId: expected.ResponseMetadata.RequestId,
    });
  });

  const query = JSON.parse(read("awsquery-protocol-error-cases.json")) as {
    cases: {
      id: string;
      response: { status_code: number; body: string };
      errorCode: string;
      errorMessage: string | null;
    }[];
  };
  for (const c of query.cases) {
    it(`awsQuery protocol error case ${c.id}`, () => {
      const parsed = parseStsError(c.response.body);
      expect(parsed.code).toBe(c.errorCode);
      expect(parsed.message).toBe(c.errorMessage ?? undefined);
      expect(parsed.requestId).toBe("foo-id");
    });
  }

  it("every modeled AssumeRoleWithWebIdentity error maps to a stable fedkit code", () => {
    const model = JSON.parse(read("sts-model-extract.json"));
    const role = parseRoleArn("arn:aws:iam::123456789012:role/r");
    const subject = fakeToken({ iss: "https://idp.example.com", sub: "s", aud: "sts.amazonaws.com" });
    const codes: Record<string, string> = {};
    for (const e of model.AssumeRoleWithWebIdentity.modeledErrors as {
      code: string;
      httpStatusCode: number;
    }[]) {
      const body = `<ErrorResponse><Error><Type>Sender</Type><Code>${e.code}</Code><Message>m</Message></Error><RequestId>r</RequestId></ErrorResponse>`;
      const err = stsFailure(
        { status: e.httpStatusCode, headers: new Headers(), text: body, attempts: 1 },
        {
          operation: "AssumeRoleWithWebIdentity",
          role,
          subject,
          audience: "sts.amazonaws.com",
        },
      );
      expect(err.cloudCode).toBe(e.code);
      expect(err.status).toBe(e.httpStatusCode);
      codes[e.code] = err.code;
    }
    expect(codes).toEqual({
      MalformedPolicyDocument: "invalid_request",
      PackedPolicyTooLarge: "invalid_request",
      IDPRejectedClaim: "subject_mismatch",
      IDPCommunicationError: "provider_unavailable",
      InvalidIdentityToken: "invalid_subject_token",
      ExpiredTokenException: "expired_subject_token",
      RegionDisabledException: "config",
    });
  });

  const recordedRoot = join(dir, "recorded", "smithy-rs-aws-config-test-data");
  const cases = existsSync(recordedRoot) ? readdirSync(recordedRoot) : [];
  for (const name of cases) {
    const caseDir = join(recordedRoot, name);
    const testCase = JSON.parse(readFileSync(join(caseDir, "test-case.json"), "utf8"));
    const traffic = exchanges(JSON.parse(readFileSync(join(caseDir, "http-traffic.json"), "utf8")).events);
    if (traffic.length === 0) {
      it.skip(`recorded ${name}: no STS traffic (an AWS-profile-file case; fedkit reads no profile files)`, () => {});
      continue;
    }
    it(`recorded ${name}: every answer parses to credentials or the right error`, () => {
      for (const x of traffic) {
        const action = new URLSearchParams(x.requestBody).get("Action")!;
        if (x.status === 200) {
          const result = parseStsResult(x.responseBody, action);
          expect(result.credentials.accessKeyId).toMatch(/^\w+$/);
          // (the sanitised recordings do not always repeat the header request id in the body)
          expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/);
        } else {
          const err = stsFailure(
            {
              status: x.status,
              headers: new Headers({ "x-amzn-requestid": x.headers["x-amzn-requestid"]?.[0] ?? "" }),
              text: x.responseBody,
              attempts: 1,
            },
            {
              operation: "AssumeRoleWithWebIdentity",
              role: parseRoleArn("arn:aws:iam::123456789012:role/RoleB"),
              subject: fakeToken({}),
              audience: "sts.amazonaws.com",
            },
          );
          expect(err).toBeInstanceOf(FederationError);
          expect(`${err.cloudCode}Exception: ${err.cloudMessage}`).toContain(testCase.result.ErrorContains);
          expect(err.code).toBe("issuer_untrusted");
          expect(err.requestId).toBe(x.headers["x-amzn-requestid"]?.[0]);
        }
      }
      // The official SDK sent every recorded request to an STS host the exported table accepts on its own.
      for (const x of traffic) {
        expect(
          checkEndpoint(x.uri, { cloud: "aws", officialHosts: AWS_STS_HOSTS_ANY_PARTITION }).hostname,
        ).toMatch(/^sts\./);
      }
      const last = traffic[traffic.length - 1]!;
      if (testCase.result.Ok) {
        const ok = testCase.result.Ok;
        const result = parseStsResult(
          last.responseBody,
          new URLSearchParams(last.requestBody).get("Action")!,
        );
        expect(result.credentials).toMatchObject({
          accessKeyId: ok.access_key_id,
          secretAccessKey: ok.secret_access_key,
          sessionToken: ok.session_token,
        });
        expect(result.credentials.expiresAt / 1000).toBe(ok.expiry);
        expect(result.credentials.assumedRoleArn).toContain(`::${ok.account_id}:`);
      }
    });
  }

  it("replays web_identity_token_env: fedkit sends byte-for-byte the recorded request and returns the recorded credentials", async () => {
    const caseDir = join(recordedRoot, "web_identity_token_env");
    const env = JSON.parse(readFileSync(join(caseDir, "env.json"), "utf8"));
    const [x] = exchanges(JSON.parse(readFileSync(join(caseDir, "http-traffic.json"), "utf8")).events);
    server = await startServer(() => ({
      status: x!.status,
      body: x!.responseBody,
      headers: { "x-amzn-requestid": x!.headers["x-amzn-requestid"]![0]! },
    }));
    const recordedRole = new URLSearchParams(x!.requestBody).get("RoleArn")!;
    const provider = awsProvider({
      env: { ...env, AWS_ROLE_ARN: recordedRole },
      endpoint: server.origin,
      allowCustomEndpoint: true,
    });
    expect(provider.sts.region).toBe("eu-west-1");
    const raw = readFileSync(join(caseDir, "fs", "token.jwt"), "utf8").trim();
    const result = await provider.exchange(decodeSubjectToken(raw), createExchangeContext());
    expect(server.requests[0]!.body).toBe(x!.requestBody);
    expect(result.credentials).toMatchObject({
      accessKeyId: "AKIDTEST",
      secretAccessKey: "SECRETKEYTEST",
      sessionToken: "SESSIONTOKEN_TEST",
    });
    expect(result.sessionName).toBe("test-session");
    expect(result.requestId).toBe("f874b1d6-2f3b-4834-907a-6a7c4b3b2d35");
  });
});
