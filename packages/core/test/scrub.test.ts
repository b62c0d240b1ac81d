import { FederationError } from "@fedkit/core";
import { base64url, scrub } from "@fedkit/core/provider";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { redactTokenShapes } from "../src/util/scrub.js";

const text = new TextEncoder();
const b64url = (value: string) => base64url(text.encode(value));
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/** A JWT whose header has a space after `{`: it encodes to `eyAi...`, not `eyJ...`. */
const spacedJwt = [
  b64url('{ "alg": "RS256", "kid": "k1" }'),
  b64url('{ "iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:ref:refs/heads/main" }'),
  b64url("signature-bytes-signature-bytes"),
].join(".");

/** The shape of a real STS session token: `IQoJb3JpZ2luX2Vj` ("\t\x0forigin_ec") and ~800 base64 characters. */
const sessionToken = `IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD${b64(
  Uint8Array.from({ length: 600 }, (_, i) => (i * 131 + 7) % 256),
)}`;

describe("scrub: secrets", () => {
  it.each([
    ["a JWT with an eyJ header", "eyJhbGciOi.eyJzdWIi.sig"],
    ["a JWT whose header starts { (eyAi...)", spacedJwt],
    [
      "an unsigned JWT (empty signature)",
      `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url('{"sub":"s","n":1}')}.`,
    ],
    [
      "an Entra access token",
      `${b64url('{"typ":"JWT","alg":"RS256","x5t":"abc"}')}.${b64url('{"aud":"https://storage.azure.com","tid":"t"}')}.c2lnbmF0dXJl`,
    ],
    ["an AWS session token (IQoJ...)", sessionToken],
    [
      "an AWS session token (FwoG..., padded)",
      `FwoGZXIvYXdzEB${"q".repeat(60)}${b64(Uint8Array.from({ length: 90 }, (_, i) => i * 3))}==`,
    ],
    [
      "an AWS session token (AQoD...)",
      `AQoDYXdzEJr${b64(Uint8Array.from({ length: 300 }, (_, i) => (i * 7) ^ 0x5a))}`,
    ],
    ["an AWS access key id (AKIA)", "AKIAIOSFODNN7EXAMPLE"],
    ["an AWS temporary access key id (ASIA)", "ASIAY34FZKBOKMUTVV7A"],
    ["a Google access token", "ya29.a0AfB_byC-1234.abcDEF_ghi"],
  ])("removes %s wherever it sits in the text", (_name, secret) => {
    for (const around of [
      (s: string) => s,
      (s: string) => `token=${s}&x=1`,
      (s: string) => `"${s}"`,
      (s: string) => `<T>${s}</T>`,
    ]) {
      const out = scrub(`rejected ${around(secret)} (see docs)`);
      expect(out).not.toContain(secret);
      expect(out).toContain("[redacted]");
      expect(out.startsWith("rejected ")).toBe(true);
      expect(out.endsWith(" (see docs)")).toBe(true);
    }
  });

  it("removes any random base64 session token of 200+ characters, any padding (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 150, maxLength: 900 }), (bytes) => {
        const token = b64(bytes);
        expect(scrub(`SessionToken: ${token}.`)).toBe("SessionToken: [redacted].");
      }),
      { numRuns: 200 },
    );
  });

  it("removes any JWS whatever its JSON header and payload (property)", () => {
    fc.assert(
      fc.property(
        fc.record({ alg: fc.constantFrom("RS256", "ES256", "PS384"), kid: fc.string() }),
        fc.record({ iss: fc.webUrl(), sub: fc.string({ minLength: 1 }), exp: fc.nat() }),
        fc.uint8Array({ minLength: 0, maxLength: 256 }),
        fc.constantFrom("", " ", "\n  "),
        (header, payload, signature, indent) => {
          const token = [
            b64url(JSON.stringify(header, null, indent)),
            b64url(JSON.stringify(payload, null, indent)),
            base64url(signature),
          ].join(".");
          expect(scrub(`Bearer ${token}`)).toBe("Bearer [redacted]");
        },
      ),
      { numRuns: 200 },
    );
  });

  it("FederationError scrubs message, cloudMessage and hint with the same rules", () => {
    const error = new FederationError("invalid_subject_token", `bad ${spacedJwt}`, {
      cloudMessage: `session ${sessionToken}`,
      hint: `key ASIAY34FZKBOKMUTVV7A`,
    });
    expect(JSON.stringify(error.toJSON())).not.toMatch(/eyAi|IQoJ|ASIAY/);
  });
});

describe("scrub: the shortcut for text that cannot hold a token", () => {
  // scrub skips its pattern for text with no ".", no AKIA/ASIA and under 100 characters (a request id): these
  // hold it to the pattern at the shortcut's edges and on text built from token pieces.
  it.each([
    ["a base64 run of exactly 100 characters, alone", "Ab1+".repeat(25), "[redacted]"],
    ["an AKIA key id with no dot", "id AKIAIOSFODNN7EXAMPLE", "id [redacted]"],
    ["an ASIA key id with no dot", "ASIAY34FZKBOKMUTVV7A", "[redacted]"],
    ["a Google token of one character", "ya29.x", "[redacted]"],
    ["a 99-character base64 run (under the pattern's 100)", "x".repeat(99), "x".repeat(99)],
    ["a request id", "c6104cbe-af31-11e0-8154-cbc7ccf896c7", "c6104cbe-af31-11e0-8154-cbc7ccf896c7"],
  ])("%s", (_name, input, expected) => {
    expect(scrub(input)).toBe(expected);
    expect(redactTokenShapes(input)).toBe(expected);
  });

  it("agrees with the pattern on any text built from token pieces (property)", () => {
    const piece = fc.constantFrom(
      " ",
      ..."AKIA ASIA AKI SIA . eyJ ya29 - _ / + = : A Z 7 x Q2xpZW50SWQxMjM0 ABCDEFGHIJKLMNOP 0123456789ABCDEF".split(
        " ",
      ),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const input = pieces.join("");
        expect(scrub(input)).toBe(redactTokenShapes(input));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("scrub: no false positives", () => {
  it.each([
    "The security token included in the request is invalid.",
    "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    "arn:aws:iam::123456789012:role/service-role/fedkit/ReaderRoleForTheProductionBucketAndNothingElse",
    "arn:aws:sts::123456789012:assumed-role/reader/fedkit-0123456789abcdef",
    "https://sts.us-east-1.amazonaws.com/?Action=AssumeRoleWithWebIdentity&Version=2011-06-15",
    "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/reader@my-project-123456.iam.gserviceaccount.com:generateAccessToken",
    "https://generativelanguage.googleapis.com/v1beta/models",
    "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
    "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/githubpool/providers/githubprovider/subject/repo",
    "projects/123456789012/locations/global/workloadIdentityPools/mypool/providers/myprovider/and/some/more/segments/here",
    "123e4567-e89b-12d3-a456-426614174000",
    "x-amzn-RequestId: c0ffee00deadbeef0123456789abcdef0123456789abcdef",
    "AADSTS70021: No matching federated identity record found for presented assertion.",
    "storage.googleapis.com fedkit.example.com sts.amazonaws.com",
    "AKIA is a prefix, ASIA a continent, ya29 a word.",
  ])("leaves %s intact", (value) => {
    expect(scrub(value)).toBe(value);
  });
});

describe("scrub: linear time", () => {
  it.each([
    ["one base64url run", "a".repeat(100_000)],
    ["runs split by '-'", "a-".repeat(50_000)],
    ["runs split by '/'", "a/".repeat(50_000)],
    ["near-JWT segments one character short", `${"x".repeat(15)}.`.repeat(6_250)],
    ["eyJ segments", "eyJaaaa.".repeat(12_500)],
    ["two long segments and no third dot", `${"A".repeat(50_000)}.${"B".repeat(49_999)}`],
    ["access-key prefixes", "AKIA".repeat(25_000)],
    ["Google prefixes", "ya29.".repeat(20_000)],
    ["padding", "=".repeat(100_000)],
  ])("handles 100 KB of %s quickly", (_name, input) => {
    expect(input.length).toBeGreaterThanOrEqual(99_999);
    const started = performance.now();
    scrub(input);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
