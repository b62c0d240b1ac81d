// Fuzzing of every parser of a cloud's answer, through public functions: AWS STS XML (parseStsResult,
// parseStsError), Google STS / IAM JSON and Entra JSON (through each provider's exchange, whose parsers are
// internal), JWT decoding (decodeSubjectToken) and the site issuer's key-set import (importIssuerKeySet).
// Property for each: it answers or fails with its documented error type (FederationError, StsParseError), never
// with a TypeError/RangeError from inside a parser, never by hanging, and an error never echoes the subject
// token. Inputs: arbitrary strings and JSON, and valid answers truncated, spliced and oversized. Bounded in count
// and time (fast-check's interruptAfterTimeLimit).
import { awsProvider, parseStsError, parseStsResult } from "@fedkit/aws";
import { azureProvider, parseEntraError } from "@fedkit/azure";
import { FederationError, type Provider, type SubjectToken } from "@fedkit/core";
import { createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
import { gcpProvider } from "@fedkit/gcp";
import { generateIssuerKeys, importIssuerKeySet } from "@fedkit/netlify";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { answers, mutated } from "../support/cloud-answers.js";

const RUNS = { numRuns: 300, interruptAfterTimeLimit: 8_000 };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const SIGNATURE = "c2VjcmV0LXNpZ25hdHVyZS1vZi10aGUtc3ViamVjdA";
function subject(aud: string): SubjectToken {
  const nowS = Math.floor(Date.now() / 1000);
  const raw = `${b64({ alg: "RS256" })}.${b64({ iss: "https://idp.example", sub: "fuzz", aud, exp: nowS + 600 })}.${SIGNATURE}`;
  return decodeSubjectToken(raw, "verified");
}

const STATUSES = fc.constantFrom(200, 200, 200, 400, 401, 403, 429, 500, 503);

/** The exchange of `provider` against one fuzzed answer: credentials or a clean FederationError. */
async function exchangeAgainst(provider: Provider, token: SubjectToken, status: number, body: string) {
  const ctx = createExchangeContext({
    fetch: async () => new Response(body, { status, headers: { "content-type": "application/json" } }),
    retry: { maxAttempts: 1, deadlineMs: 2_000 },
  });
  try {
    const result = await provider.exchange(token, ctx);
    expect(typeof result.credentials.expiresAt).toBe("number");
    expect(Number.isFinite(result.credentials.expiresAt)).toBe(true);
  } catch (error) {
    expect(error).toBeInstanceOf(FederationError);
    const seen = `${String(error)}\n${JSON.stringify((error as FederationError).toJSON())}`;
    expect(seen).not.toContain(SIGNATURE);
  }
}

const providers = [
  {
    name: "AWS STS (XML)",
    valid: answers.aws,
    make: () => awsProvider({ roleArn: "arn:aws:iam::123456789012:role/fuzz", region: "eu-west-1" }),
    aud: "sts.amazonaws.com",
  },
  {
    name: "Google STS (JSON)",
    valid: answers.google,
    make: () =>
      gcpProvider({
        audience: "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/p/providers/q",
      }),
    aud: "//iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/p/providers/q",
  },
  {
    name: "Entra (JSON)",
    valid: answers.entra,
    make: () =>
      azureProvider({
        clientId: "00000000-1111-2222-3333-444444444444",
        tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
        scope: "https://storage.azure.com/.default",
        env: () => ({}),
      }),
    aud: "api://AzureADTokenExchange",
  },
];

describe("fuzz: cloud answers through each provider's exchange", () => {
  for (const p of providers) {
    it(`${p.name}: any status and body gives credentials or a FederationError without the token`, async () => {
      const provider = p.make() as Provider;
      const token = subject(p.aud);
      await fc.assert(
        fc.asyncProperty(STATUSES, mutated(p.valid()), (status, body) =>
          exchangeAgainst(provider, token, status, body),
        ),
        RUNS,
      );
    });
  }
});

describe("fuzz: parsers exported for direct use", () => {
  it("parseStsResult / parseStsError: a result, or StsParseError; never another exception", () => {
    fc.assert(
      fc.property(mutated(answers.aws()), (xml) => {
        for (const parse of [
          () => parseStsResult(xml, "AssumeRoleWithWebIdentity"),
          () => parseStsError(xml),
        ]) {
          try {
            parse();
          } catch (error) {
            expect((error as Error).name).toBe("StsParseError");
          }
        }
      }),
      RUNS,
    );
  });

  it("parseEntraError: an EntraError or undefined, never an exception", () => {
    fc.assert(
      fc.property(mutated(answers.entraError()), (body) => {
        const parsed = parseEntraError(body);
        if (parsed !== undefined) expect(typeof parsed).toBe("object");
      }),
      RUNS,
    );
  });

  it("decodeSubjectToken: a SubjectToken or FederationError invalid_subject_token, never echoing the input", () => {
    const jwtish = fc
      .tuple(fc.string(), fc.json(), fc.string())
      .map(
        ([a, json, c]) =>
          `${Buffer.from(a).toString("base64url")}.${Buffer.from(json).toString("base64url")}.${c}`,
      );
    fc.assert(
      fc.property(fc.oneof(fc.string(), jwtish, mutated(subject("x").raw)), (raw) => {
        try {
          decodeSubjectToken(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(FederationError);
          expect((error as FederationError).code).toBe("invalid_subject_token");
          if (raw.length > 12) expect((error as FederationError).message).not.toContain(raw);
        }
      }),
      RUNS,
    );
  });

  it("importIssuerKeySet: a key set or a FederationError config, never another exception", async () => {
    const { secret } = await generateIssuerKeys({ context: "production" });
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.json(), mutated(secret)), async (text) => {
        try {
          await importIssuerKeySet(text, "FEDKIT_ISSUER_KEYS", "production");
        } catch (error) {
          expect(error).toBeInstanceOf(FederationError);
          expect((error as FederationError).code).toBe("config");
        }
      }),
      { numRuns: 60, interruptAfterTimeLimit: 8_000 },
    );
  });
});
