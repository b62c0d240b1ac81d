// The hint rules of issue 9 §5, for every cloud's error mapping and for the adapter that knows the contexts:
// a refusal across deploy contexts is the isolation working (never "add this issuer/subject to that trust"),
// time-window refusals are clock skew with the measured seconds, and "does not exist" is told apart from
// "trust refused" where the cloud tells them apart, and named together where it does not.
import { FederationError } from "@fedkit/core";
import { decodeSubjectToken, type HttpResponse } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { parseRoleArn } from "../../aws/src/partition.js";
import { stsFailure } from "../../aws/src/sts-errors.js";
import { entraFailure } from "../../azure/src/errors.js";
import { resolveGcp } from "../../gcp/src/endpoints.js";
import { iamError, stsError } from "../../gcp/src/google-errors.js";
import { isolationRefusal } from "../src/context-refusal.js";
import { SITE_ID } from "./support.js";

const NOW = Date.UTC(2026, 11, 7, 1, 0, 0);
const PREVIEW_ISS = "https://reports.example.com/oidc/deploy-preview";
const PREVIEW_SUB = `site:${SITE_ID}:context:deploy-preview:function:report`;
const PROD_SUB = `site:${SITE_ID}:context:production:function:report`;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const token = (claims: Record<string, unknown> = {}) => {
  const iat = Math.floor(NOW / 1000);
  return decodeSubjectToken(
    `${b64({ alg: "RS256", kid: "k" })}.${b64({ iss: PREVIEW_ISS, sub: PREVIEW_SUB, aud: "sts.amazonaws.com", context: "deploy-preview", iat, nbf: iat, exp: iat + 300, ...claims })}.c2ln`,
  );
};
const answer = (status: number, text: string, dateOffsetSeconds?: number): HttpResponse => ({
  status,
  text,
  attempts: 1,
  headers: new Headers({
    "content-type": text.startsWith("<") ? "text/xml" : "application/json",
    ...(dateOffsetSeconds === undefined
      ? {}
      : { date: new Date(NOW + dateOffsetSeconds * 1000).toUTCString() }),
  }),
});

const ROLE = parseRoleArn("arn:aws:iam::123456789012:role/reports-production");
const aws = (code: string, message: string, dateOffset?: number) =>
  stsFailure(
    answer(
      400,
      `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
      dateOffset,
    ),
    { operation: "AssumeRoleWithWebIdentity", role: ROLE, subject: token(), audience: "sts.amazonaws.com" },
  );
const azure = (aadsts: number, dateOffset?: number) =>
  entraFailure(
    answer(
      400,
      JSON.stringify({
        error: "invalid_request",
        error_description: `AADSTS${aadsts}: refused.`,
        error_codes: [aadsts],
      }),
      dateOffset,
    ),
    {
      subject: { iss: PREVIEW_ISS, sub: PREVIEW_SUB, aud: "api://AzureADTokenExchange" },
      clientId: "97e0a5b7-d745-40b6-94fe-5f77d35c6e05",
      tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      audience: "api://AzureADTokenExchange",
      scope: "https://storage.azure.com/.default",
      token: token(),
    },
  );
const RESOLVED = resolveGcp({
  audience:
    "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/fk-prod/providers/reports",
  serviceAccount: "reader@p.iam.gserviceaccount.com",
});
const gcpSts = (error: string, description: string, dateOffset?: number) =>
  stsError(
    answer(400, JSON.stringify({ error, error_description: description }), dateOffset),
    RESOLVED,
    token(),
  );
const gcpIam = (status: string) =>
  iamError(
    answer(403, JSON.stringify({ error: { code: 403, status, message: "denied" } })),
    RESOLVED,
    token(),
    "generateAccessToken",
  );

/** Every hint a preview token can get from a production identity, on every cloud. */
const crossContextRefusals = (): [string, FederationError][] => [
  ["aws AccessDenied", aws("AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")],
  [
    "aws no OIDC provider",
    aws("InvalidIdentityToken", `No OpenIDConnect provider found in your account for ${PREVIEW_ISS}`),
  ],
  ["aws IDPRejectedClaim", aws("IDPRejectedClaim", "rejected")],
  ["azure 700211", azure(700211)],
  ["azure 700213", azure(700213)],
  ["azure 70021", azure(70021)],
  ["gcp issuer", gcpSts("invalid_grant", "The issuer in ID Token does not match the expected issuer.")],
  [
    "gcp condition",
    gcpSts("unauthorized_client", "The given credential is rejected by the attribute condition."),
  ],
  ["gcp iam", gcpIam("PERMISSION_DENIED")],
];
/** Telling someone to put the presented (preview) identity into the refusing trust. */
const WIDENING =
  /must allow|needs a federated credential with issuer|add-iam-policy-binding|--issuer-uri must equal|grant roles\/iam\.workloadIdentityUser on \S+ to principal/i;

describe("cloud hints never widen a trust to the refused token", () => {
  it.each(crossContextRefusals())(
    "%s describes the mismatch and says such tokens are meant to be refused",
    (_, error) => {
      expect(error).toBeInstanceOf(FederationError);
      expect(error.hint).toBeTruthy();
      expect(error.hint).not.toMatch(WIDENING);
      expect(error.hint).toMatch(/supposed to be refused|condition working|meant to/);
    },
  );
});

describe("the adapter calls a cross-context refusal the isolation working", () => {
  const scope = {
    running: "deploy-preview",
    trustContext: "production",
    targetName: "reports",
    holder: "IAM role",
  };

  it.each(crossContextRefusals())("%s: hint replaced, everything else kept", (_, error) => {
    const rewritten = isolationRefusal(error, scope) as FederationError;
    expect(rewritten).toBeInstanceOf(FederationError);
    expect(rewritten.code).toBe(error.code);
    expect(rewritten.cloudCode).toBe(error.cloudCode);
    expect(rewritten.cause).toBe(error);
    expect(rewritten.hint).toMatch(/^Deploy-context isolation: "reports" is the production IAM role/);
    expect(rewritten.hint).toContain("do not add deploy-preview to it");
    // The fix: a separate identity for the running context, with its own generated trust. The CLI it names is
    // the one sites install (@fedkit/cli), run from node_modules, never the registry.
    expect(rewritten.hint).toContain("Give deploy-preview its own: ");
    expect(rewritten.hint).toContain(
      "npx --no-install fedkit trust --target reports --context deploy-preview",
    );
    expect(rewritten.hint).not.toContain("fedkit-netlify");
    expect(rewritten.hint).not.toMatch(WIDENING);
    // It never names production's subject or the preview one as something to add.
    expect(rewritten.hint).not.toContain(PREVIEW_SUB);
    expect(rewritten.hint).not.toContain(PROD_SUB);
  });

  it("leaves same-context refusals and other errors to the cloud's own hint", () => {
    const refused = aws("AccessDenied", "Not authorized");
    expect(isolationRefusal(refused, { ...scope, running: "production" })).toBe(refused);
    const throttled = new FederationError("throttled", "slow down");
    expect(isolationRefusal(throttled, scope)).toBe(throttled);
    const plain = new Error("not ours");
    expect(isolationRefusal(plain, scope)).toBe(plain);
  });
});

describe("time-window refusals are clock skew, with the measured seconds", () => {
  it.each([
    [
      "aws expired",
      () => aws("ExpiredTokenException", "Token expired", 400),
      /AWS STS found the token already expired \(AWS STS's clock read 400 s after/,
    ],
    [
      "aws not yet valid",
      () => aws("InvalidIdentityToken", "Token used before its issue time or its nbf (not before) time", -90),
      /AWS STS found the token not yet valid \(AWS STS's clock read 90 s before/,
    ],
    [
      "azure 700024 late",
      () => azure(700024, 330),
      /Entra found the token already expired \(Entra's clock read 330 s after/,
    ],
    [
      "azure 700024 early",
      () => azure(700024, -45),
      /Entra found the token not yet valid \(Entra's clock read 45 s before/,
    ],
    [
      "gcp expired",
      () =>
        gcpSts(
          "invalid_grant",
          "ID Token issued at or expiring at an invalid time: the token has expired.",
          600,
        ),
      /Google STS found the token already expired \(Google STS's clock read 600 s after/,
    ],
    [
      "gcp not yet valid",
      () =>
        gcpSts(
          "invalid_grant",
          "ID Token issued at or expiring at an invalid time: the token is not yet valid.",
          -60,
        ),
      /Google STS found the token not yet valid \(Google STS's clock read 60 s before/,
    ],
  ])("%s", (_, make, words) => {
    const error = make();
    expect(error.code).toBe("expired_subject_token");
    expect(error.hint).toMatch(words);
    expect(error.hint).toContain("clock skew between the issuer and");
    expect(error.hint).toContain("change no trust policy");
  });

  it("says so without a number when the cloud sent no Date header", () => {
    expect(aws("ExpiredTokenException", "Token expired").hint).toContain(
      "(no Date header to measure the skew)",
    );
  });
});

describe("a missing identity versus a refusing trust", () => {
  it("AWS answers alike for both: the hint names both", () => {
    expect(aws("AccessDenied", "Not authorized").hint).toMatch(
      /^Either arn:aws:iam::123456789012:role\/reports-production does not exist \(STS answers the same\) or its trust policy does not accept this token/,
    );
  });

  it("Entra tells them apart: a missing app is a config error, a refusing credential a trust refusal", () => {
    expect(azure(700016)).toMatchObject({ code: "config", hint: expect.stringMatching(/^No application/) });
    expect(azure(700213)).toMatchObject({
      code: "subject_mismatch",
      hint: expect.stringContaining("no federated credential"),
    });
  });

  it("Google tells a missing pool or provider apart, but not a missing service account from a missing binding", () => {
    expect(
      gcpSts("invalid_target", "The target service indicated by the audience is invalid."),
    ).toMatchObject({
      code: "config",
      hint: expect.stringContaining("does not exist or is disabled"),
    });
    expect(gcpIam("PERMISSION_DENIED").hint).toMatch(
      /^Either reader@p\.iam\.gserviceaccount\.com does not exist \(Google answers the same\) or principal:\/\/\S+ holds no roles\/iam\.workloadIdentityUser/,
    );
    expect(gcpIam("NOT_FOUND")).toMatchObject({
      code: "config",
      hint: expect.stringContaining("does not exist"),
    });
  });
});
