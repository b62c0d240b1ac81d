// awsWebIdentityToken: one SigV4-signed GetWebIdentityToken POST with the workload's own credentials; STS's answer
// becomes a subject token, STS's refusals typed errors that never carry the credentials that signed the call.
import { FederationError } from "@fedkit/core";
import { RedirectRefusedError } from "@fedkit/core/provider";
import { afterEach, describe, expect, it } from "vitest";
import { awsWebIdentityToken } from "../src/web-identity-token.js";
import { type FakeServer, fakeToken, type Reply, startServer, stsError } from "./helpers.js";

const CREDS = {
  accessKeyId: "ASIAWORKLOAD0000001",
  secretAccessKey: "workload/secret+key",
  sessionToken: "wl-session",
};
const NOW = Date.parse("2030-05-06T07:08:09Z");
const jwt = fakeToken({
  iss: "https://abc.tokens.sts.global.api.aws",
  sub: "arn:aws:iam::1:role/w",
  aud: "gcp",
});

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function tokenWith(reply: Reply) {
  server = await startServer(() => reply);
  const source = awsWebIdentityToken({
    region: "eu-west-1",
    credentials: () => CREDS,
    endpoint: server.origin,
    allowCustomEndpoint: true,
    now: () => NOW,
  });
  return source.getToken({ audience: "//iam.googleapis.com/projects/1/locations/global/x", now: () => NOW });
}

const success = (token: string) =>
  `<GetWebIdentityTokenResponse><GetWebIdentityTokenResult><WebIdentityToken>${token}</WebIdentityToken></GetWebIdentityTokenResult></GetWebIdentityTokenResponse>`;

describe("awsWebIdentityToken", () => {
  it("signs one POST for the audience with the workload's credentials and returns STS's token", async () => {
    const token = await tokenWith({ status: 200, body: success(jwt.raw) });
    expect(token.raw).toBe(jwt.raw);
    const [sent] = server!.requests;
    expect(new URLSearchParams(sent!.body).get("Audience.member.1")).toBe(
      "//iam.googleapis.com/projects/1/locations/global/x",
    );
    expect(sent!.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAWORKLOAD0000001\/20300506\/eu-west-1\/sts\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, /,
    );
    expect(sent!.headers["x-amz-security-token"]).toBe("wl-session");
  });

  const refusals: [string, Reply, Record<string, unknown>][] = [
    [
      "outbound federation disabled",
      { status: 403, body: stsError("OutboundWebIdentityFederationDisabled", "disabled") },
      { code: "access_denied", cloudCode: "OutboundWebIdentityFederationDisabled", retryable: false },
    ],
    [
      "a missing permission",
      { status: 403, body: stsError("AccessDenied", "not authorized") },
      {
        code: "access_denied",
        cloudCode: "AccessDenied",
        hint: expect.stringContaining("sts:IdentityTokenAudience"),
      },
    ],
    [
      "an STS outage",
      { status: 503, body: stsError("ServiceUnavailable", "try later") },
      { code: "provider_unavailable", retryable: true },
    ],
    [
      "a refused parameter",
      { status: 400, body: stsError("ValidationError", "bad audience") },
      {
        code: "invalid_request",
        cloudCode: "ValidationError",
        cloudMessage: "bad audience",
        retryable: false,
      },
    ],
    ["a proxy's HTML page", { status: 502, body: "<html>bad gateway" }, { code: "provider_unavailable" }],
    ["a 200 without a token", { status: 200, body: "<Other/>" }, { code: "bad_response" }],
    ["a 200 that is not XML", { status: 200, body: "<!DOCTYPE x><x/>" }, { code: "bad_response" }],
  ];
  for (const [what, reply, expected] of refusals) {
    it(`types ${what} as ${String(expected["code"])}, without the signing credentials`, async () => {
      const error = await tokenWith(reply).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FederationError);
      expect(error).toMatchObject({ provider: "aws", status: reply.status, ...expected });
      const text = JSON.stringify((error as FederationError).toJSON());
      for (const secret of [CREDS.secretAccessKey, CREDS.sessionToken]) expect(text).not.toContain(secret);
    });
  }

  it("refuses a redirect instead of following it with the signed request", async () => {
    server = await startServer((_req, i) =>
      i === 0
        ? { status: 307, body: "", headers: { location: `${server!.origin}/elsewhere` } }
        : { status: 200, body: success(jwt.raw) },
    );
    const source = awsWebIdentityToken({
      region: "eu-west-1",
      credentials: () => CREDS,
      endpoint: server.origin,
      allowCustomEndpoint: true,
    });
    const error = await source.getToken({ audience: "a", now: Date.now }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectRefusedError);
    expect(error).toMatchObject({ code: "bad_response", status: 307 });
    expect(server.requests).toHaveLength(1);
  });

  // The call goes through core's safe client like every exchange: bounded in time and size, transient refusals retried.
  const sourceFor = (s: FakeServer, retry: Record<string, number>) =>
    awsWebIdentityToken({
      region: "eu-west-1",
      credentials: () => CREDS,
      endpoint: s.origin,
      allowCustomEndpoint: true,
      retry: { baseDelayMs: 1, maxDelayMs: 2, ...retry },
    });

  it("retries STS's Throttling (HTTP 400) and an outage, then returns the token", async () => {
    server = await startServer((_req, i) =>
      i === 0
        ? { status: 400, body: stsError("Throttling", "slow down") }
        : i === 1
          ? { status: 503, body: stsError("ServiceUnavailable", "later") }
          : { status: 200, body: success(jwt.raw) },
    );
    const token = await sourceFor(server, { maxAttempts: 3 }).getToken({ audience: "a", now: Date.now });
    expect(token.raw).toBe(jwt.raw);
    expect(server.requests).toHaveLength(3);
  });

  it("gives up on an STS that never answers at the deadline, with a retryable timeout", async () => {
    server = await startServer(() => new Promise<Reply>(() => {}));
    const started = Date.now();
    const error = await sourceFor(server, { deadlineMs: 150, attemptTimeoutMs: 150 })
      .getToken({ audience: "a", now: Date.now })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", provider: "aws", retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("refuses an answer larger than the cap without handing it back", async () => {
    server = await startServer(() => ({ status: 200, body: success("x".repeat(20_000)) }));
    const error = await sourceFor(server, { maxResponseBytes: 4096 })
      .getToken({ audience: "a", now: Date.now })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "bad_response", provider: "aws" });
    expect((error as Error).message).toContain("4096 bytes");
  });
});
