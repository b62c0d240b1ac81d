// How Google's answers become credentials or errors: STS's lifetime and scopes (with the fallbacks when it omits
// them), IAM Credentials' expireTime, and the messages of refusals and of answers that are not Google's JSON.
import { FederationError } from "@fedkit/core";
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { gcpProvider } from "../src/index.js";

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const AUDIENCE =
  "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/fk-prod/providers/reports";
const SA = "reader@p.iam.gserviceaccount.com";
const READ_ONLY = "https://www.googleapis.com/auth/devstorage.read_only";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const subject = decodeSubjectToken(
  `${b64({ alg: "RS256" })}.${b64({ iss: "https://idp.example", sub: "s1", aud: `https:${AUDIENCE}` })}.c2ln`,
);

/** Answers the calls in order; each answer is [status, body, content type]. */
function context(answers: Array<[number, unknown, string?]>) {
  return createExchangeContext({
    now: () => NOW,
    retry: { maxAttempts: 1 },
    fetch: async () => {
      const [status, body, type = "application/json"] = answers.shift()!;
      return new Response(typeof body === "string" ? body : JSON.stringify(body), {
        status,
        headers: { "content-type": type },
      });
    },
  });
}

const exchange = (options: Parameters<typeof gcpProvider>[0], answers: Array<[number, unknown, string?]>) =>
  gcpProvider({ audience: AUDIENCE, ...options }).exchange(subject, context(answers));

const failure = (options: Parameters<typeof gcpProvider>[0], answers: Array<[number, unknown, string?]>) =>
  exchange(options, answers).then(
    () => expect.fail("expected a refusal"),
    (error: unknown) => {
      expect(error).toBeInstanceOf(FederationError);
      return error as FederationError;
    },
  );

describe("STS's answer", () => {
  it("is the credential without impersonation: its lifetime, and the scopes STS granted", async () => {
    const { credentials } = await exchange({ scopes: [READ_ONLY] }, [
      [200, { access_token: "fed-1", expires_in: 1800, scope: `${READ_ONLY} openid` }],
    ]);
    expect(credentials).toEqual({
      kind: "access-token",
      token: "fed-1",
      tokenType: "Bearer",
      expiresAt: NOW + 1_800_000,
      scopes: [READ_ONLY, "openid"],
    });
  });

  it("without expires_in lives an hour, and without scope carries the scopes asked for", async () => {
    const { credentials } = await exchange({ scopes: [READ_ONLY] }, [[200, { access_token: "fed-1" }]]);
    expect(credentials).toMatchObject({ expiresAt: NOW + 3_600_000, scopes: [READ_ONLY] });
  });

  it("without access_token is bad_response naming the field", async () => {
    const error = await failure({}, [[200, { expires_in: 3600 }]]);
    expect(error.code).toBe("bad_response");
    expect(error.message).toBe("Google STS token exchange answered 200 without access_token");
  });

  it("that is not JSON is bad_response saying what arrived", async () => {
    const error = await failure({}, [[200, "<html>portal</html>", "text/html"]]);
    expect(error).toMatchObject({ code: "bad_response", status: 200 });
    expect(error.message).toBe(
      "Google STS token exchange answered HTTP 200 (text/html) with a body that is not JSON",
    );
    expect(error.hint).toBe("Check the endpoint URL and any proxy.");
  });
});

describe("IAM Credentials' answer", () => {
  const sts: [number, unknown] = [200, { access_token: "fed-1", expires_in: 3600 }];

  it("is the credential with impersonation: its expireTime and the scopes asked for", async () => {
    const { credentials } = await exchange({ serviceAccount: SA, scopes: [READ_ONLY] }, [
      sts,
      [200, { accessToken: "sa-1", expireTime: "2026-12-07T12:15:00Z" }],
    ]);
    expect(credentials).toEqual({
      kind: "access-token",
      token: "sa-1",
      tokenType: "Bearer",
      expiresAt: Date.parse("2026-12-07T12:15:00Z"),
      scopes: [READ_ONLY],
    });
  });

  it.each([
    [
      { accessToken: "sa-1", expireTime: "soon" },
      "IAM Credentials generateAccessToken answered a bad expireTime",
    ],
    [{ accessToken: "sa-1" }, "IAM Credentials generateAccessToken answered 200 without expireTime"],
    [
      { expireTime: "2026-12-07T12:15:00Z" },
      "IAM Credentials generateAccessToken answered 200 without accessToken",
    ],
  ])("%j is bad_response naming the field", async (body, message) => {
    const error = await failure({ serviceAccount: SA }, [sts, [200, body]]);
    expect(error).toMatchObject({ code: "bad_response", message });
  });
});

describe("Google's refusals", () => {
  it("name the call, Google's code and message; IAM's names the service account", async () => {
    const sts = await failure({}, [
      [
        400,
        {
          error: "invalid_target",
          error_description: "The target service indicated by the audience is invalid.",
        },
      ],
    ]);
    expect(sts.message).toBe(
      "Google STS token exchange failed: invalid_target: The target service indicated by the audience is invalid.",
    );
    const iam = await failure({ serviceAccount: SA }, [
      [200, { access_token: "fed-1" }],
      [403, { error: { code: 403, status: "PERMISSION_DENIED", message: "denied" } }],
    ]);
    expect(iam.message).toBe(
      `IAM Credentials generateAccessToken for ${SA} failed: PERMISSION_DENIED: denied`,
    );
  });

  it("a JSON error body that is not Google's error is bad_response, an outage's is provider_unavailable", async () => {
    const odd = await failure({}, [[400, { message: "nope" }]]);
    expect(odd).toMatchObject({ code: "bad_response", status: 400 });
    expect(odd.message).toBe(
      "Google STS token exchange answered HTTP 400 (application/json) with a body that is not Google's error JSON",
    );
    const iam = await failure({ serviceAccount: SA }, [
      [200, { access_token: "fed-1" }],
      [403, { error: "PERMISSION_DENIED" }],
    ]);
    expect(iam.message).toMatch(
      /^IAM Credentials generateAccessToken answered HTTP 403 .* not Google's error JSON$/,
    );
    const down = await failure({}, [[503, "<html>unavailable</html>", "text/html"]]);
    expect(down).toMatchObject({ code: "provider_unavailable", retryable: true });
    expect(down.hint).toBe("Retry later: Google is failing or throttling.");
  });
});
