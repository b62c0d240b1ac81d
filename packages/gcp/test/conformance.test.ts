/**
 * Compares the requests fedkit sends with Google's contract compiled from google-auth-library's own tests
 * (../shared/oracles/gcp), and maps the observed Google error bodies.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FederationError } from "@fedkit/core";
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
import { requireOracleDir } from "@fedkit/test-support/oracles";
import { describe, expect, it } from "vitest";
import { type ExternalAccountConfig, fromExternalAccount, gcpProvider } from "../src/index.js";

const dir = requireOracleDir("gcp");
const suite = dir ? describe : describe.skip;
// biome-ignore lint/suspicious/noExplicitAny: the oracle file is untyped JSON.
const contract: any = dir
  ? JSON.parse(readFileSync(join(dir, "gcp-sts-iamcredentials-contract.json"), "utf8"))
  : {};

const JWT = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ iss: "https://idp.example", sub: "s1", aud: "a" })).toString("base64url")}.c2ln`;
const subject = decodeSubjectToken(JWT);

interface Captured {
  url: string;
  headers: Headers;
  body: string;
}

function capture(responses: Array<{ status: number; body: string; type?: string }>) {
  const sent: Captured[] = [];
  const ctx = createExchangeContext({
    retry: { maxAttempts: 1 },
    fetch: async (url, init) => {
      sent.push({ url, headers: new Headers(init.headers), body: String(init.body) });
      const next = responses.shift()!;
      return new Response(next.body, {
        status: next.status,
        headers: { "content-type": next.type ?? "application/json" },
      });
    },
  });
  return { sent, ctx };
}

const stsOk = () => ({ status: 200, body: JSON.stringify(contract.stsTokenExchange.successResponse.body) });
const iamOk = () => ({
  status: 200,
  body: JSON.stringify({ accessToken: "SA_ACCESS_TOKEN", expireTime: "2030-01-01T00:00:00Z" }),
});

suite("conformance with Google's STS / IAM Credentials contract (oracle)", () => {
  const expected = contract.stsTokenExchange?.expectedRequests ?? [];
  let ran = 0;

  it("STS request: form fields, values and headers match the default external-account case", async () => {
    const form = expected[0].form as Record<string, string>;
    const { sent, ctx } = capture([stsOk()]);
    await gcpProvider({ audience: form["audience"]! }).exchange(
      { ...subject, raw: form["subject_token"]! },
      ctx,
    );
    const body = new URLSearchParams(sent[0]!.body);
    expect(Object.fromEntries(body)).toEqual(form);
    expect(sent[0]!.url).toBe(contract.stsTokenExchange.endpoint);
    expect(sent[0]!.headers.get("content-type")).toBe("application/x-www-form-urlencoded;charset=UTF-8");
    expect(sent[0]!.headers.get("x-goog-api-client")).toMatch(
      /google-byoid-sdk source\/programmatic sa-impersonation\/false config-lifetime\/false$/,
    );
    expect(sent[0]!.headers.get("authorization")).toBeNull();
    ran++;
  });

  it("STS request: workforce pool with user project sends options.userProject and id_token type", async () => {
    const form = expected[1].form as Record<string, string>;
    const { sent, ctx } = capture([stsOk()]);
    await gcpProvider({
      audience: form["audience"]!,
      subjectTokenType: "id_token",
      workforcePoolUserProject: "workforce_pool_user_project",
    }).exchange({ ...subject, raw: form["subject_token"]! }, ctx);
    expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual(form);
    ran++;
  });

  it("generateAccessToken request: URL, JSON body, bearer and content type; custom lifetime from the config", async () => {
    const withLifetime = contract.externalAccountConfigExamples.find(
      (e: { name: string }) => e.name === "with SA impersonation + custom token lifetime",
    ).config as ExternalAccountConfig;
    const { sent, ctx } = capture([stsOk(), iamOk()]);
    const result = await gcpProvider(fromExternalAccount(withLifetime)).exchange(subject, ctx);
    expect(sent[0]!.headers.get("x-goog-api-client")).toMatch(
      /sa-impersonation\/true config-lifetime\/true$/,
    );
    expect(new URLSearchParams(sent[0]!.body).get("scope")).toBe(
      "https://www.googleapis.com/auth/cloud-platform",
    );
    const iam = contract.iamGenerateAccessToken;
    expect(sent[1]!.url).toBe(
      iam.endpoint.replace("{SA_EMAIL}", "service-1234@service-name.iam.gserviceaccount.com"),
    );
    expect(sent[1]!.headers.get("content-type")).toBe(iam.requestHeaders["content-type"]);
    expect(sent[1]!.headers.get("authorization")).toBe("Bearer ACCESS_TOKEN");
    expect(JSON.parse(sent[1]!.body)).toEqual({ ...iam.requestBody, lifetime: "2800s" });
    expect(result.credentials.token).toBe("SA_ACCESS_TOKEN");
    expect(result.credentials.expiresAt).toBe(Date.parse("2030-01-01T00:00:00Z"));
    ran++;
  });

  it("reads every external_account example: OIDC ones become options, others are clear config errors", () => {
    const outcomes = contract.externalAccountConfigExamples.map(
      (example: { name: string; config: ExternalAccountConfig }) => {
        try {
          return [example.name, fromExternalAccount(example.config).audience ? "ok" : "?"];
        } catch (error) {
          expect(error).toBeInstanceOf(FederationError);
          return [example.name, (error as FederationError).code];
        }
      },
    );
    expect(Object.fromEntries(outcomes)).toEqual({
      "file-sourced (text)": "ok",
      "file-sourced (json, subject_token_field_name)": "ok",
      "url-sourced (text) with headers": "ok",
      "url-sourced (json)": "ok",
      "certificate-sourced (mTLS / x509)": "config",
      aws: "config",
      "aws with IMDSv2": "config",
      "executable (pluggable auth)": "config",
      "with service account impersonation": "ok",
      "with SA impersonation + custom token lifetime": "ok",
      "workforce pool with workforce_pool_user_project": "ok",
      "with client auth (client_id/client_secret -> HTTP Basic on STS)": "config",
    });
    const fixtures = readdirSync(join(dir!, "google-auth-library-nodejs-fixtures")).filter((f) =>
      f.endsWith("cred.json"),
    );
    for (const file of fixtures) {
      const json = JSON.parse(readFileSync(join(dir!, "google-auth-library-nodejs-fixtures", file), "utf8"));
      if (json.type === "external_account") expect(fromExternalAccount(json).subjectTokenType).toBe("jwt");
      else expect(() => fromExternalAccount(json)).toThrow(/external_account/);
    }
    ran++;
  });

  it("maps every observed STS error body to a stable code with a hint naming iss/aud/sub", async () => {
    const want: Record<string, string> = {
      invalid_target: "config",
      invalid_request: "invalid_request",
      unauthorized_client: "subject_mismatch",
      invalid_grant: "audience_mismatch",
    };
    const bodies = [
      ...contract.stsTokenExchange.observedErrorBodies,
      { error: "invalid_request", body: contract.stsTokenExchange.errorResponseLibraryTest.body },
    ];
    for (const observed of bodies) {
      const { ctx } = capture([{ status: observed.status ?? 400, body: JSON.stringify(observed.body) }]);
      const error = await gcpProvider({ audience: expected[0].form.audience })
        .exchange(subject, ctx)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(FederationError);
      expect((error as FederationError).code).toBe(want[observed.error]);
      expect((error as FederationError).cloudCode).toBe(observed.error);
      if (observed.error !== "invalid_request")
        expect((error as FederationError).hint ?? "").toMatch(/POOL_ID|sub=s1/);
    }
    ran++;
  });

  it("maps the IAM error bodies (PERMISSION_DENIED → access_denied naming the service account)", async () => {
    for (const observed of contract.iamGenerateAccessToken.errorResponses) {
      const { ctx } = capture([stsOk(), { status: observed.status, body: JSON.stringify(observed.body) }]);
      const error = (await gcpProvider({
        audience: expected[0].form.audience,
        serviceAccount: "sa@p.iam.gserviceaccount.com",
      })
        .exchange(subject, ctx)
        .catch((e: unknown) => e)) as FederationError;
      expect(error.code).toBe(observed.status === 403 ? "access_denied" : "invalid_request");
      expect(error.cloudCode).toBe(observed.body.error.status);
      expect(error.message).toContain("sa@p.iam.gserviceaccount.com");
      if (observed.status === 403)
        expect(error.hint).toContain("principal://iam.googleapis.com/projects/123456");
    }
    ran++;
  });

  it.each([
    [503, "provider_unavailable", [{ error: "temporarily_unavailable" }]],
    [429, "throttled", [{ error: "rate_limited" }]],
    [
      503,
      "provider_unavailable",
      [stsOk(), { error: { code: 503, status: "UNAVAILABLE", message: "try later" } }],
    ],
    [
      500,
      "provider_unavailable",
      [stsOk(), { error: { code: 500, status: "PERMISSION_DENIED", message: "?" } }],
    ],
  ] as const)(
    "a JSON error answered with HTTP %i is %s and retryable, whatever the body says",
    async (status, code, answers) => {
      const { ctx } = capture(
        answers.map((a) => ("status" in a ? { ...a } : { status, body: JSON.stringify(a) })),
      );
      const error = (await gcpProvider({
        audience: expected[0].form.audience,
        ...(answers.length > 1 ? { serviceAccount: "sa@p.iam.gserviceaccount.com" } : {}),
      })
        .exchange(subject, ctx)
        .catch((e: unknown) => e)) as FederationError;
      expect(error).toMatchObject({ code, status, retryable: true });
    },
  );

  it("reports a non-JSON 5xx as what it is, never 'undefined'", async () => {
    const html = { status: 502, body: "<html>Bad Gateway</html>", type: "text/html" };
    const { ctx } = capture([html]);
    const error = (await gcpProvider({ audience: expected[0].form.audience })
      .exchange(subject, ctx)
      .catch((e: unknown) => e)) as FederationError;
    expect(error.code).toBe("provider_unavailable");
    expect(error.message).toBe(
      "Google STS token exchange answered HTTP 502 (text/html) with a body that is not JSON",
    );
    expect(error.message).not.toContain("undefined");
    ran++;
    console.info(`gcp oracle conformance: ${ran} cases ran`);
  });
});
