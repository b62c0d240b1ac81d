import { inspect } from "node:util";
import {
  createFederation,
  FederationError,
  type Provider,
  type SubjectToken,
  staticToken,
} from "@fedkit/core";
import { type AuditEvent, consoleAudit } from "@fedkit/core/audit";
import { base64url, createExchangeContext, decodeSubjectToken } from "@fedkit/core/provider";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jwt, rawJwt } from "./helpers.js";

/** STS-like host patterns: core checks any table; the real ones are @fedkit/aws's. */
const STS_HOSTS = ["sts.amazonaws.com", "sts.*.amazonaws.com"];

const secret = fc.stringMatching(/^[A-Za-z0-9_-]{16,48}$/);

type Failure =
  | "none"
  | "cloud-echo"
  | "echo-everywhere"
  | "plain-echo"
  | "plain-error"
  | "transport"
  | "expired"
  | "audience"
  | "not-a-jwt";

/** A header that encodes to `e30`: too short for any pattern, so only the engine can cut such a token out. */
const SHORT_HEADER = base64url(new TextEncoder().encode("{}"));

/** Runs one getCredentials through the chosen path and returns everything an operator could ever see. */
async function observe(
  failure: Failure,
  tokenSecret: string,
  credSecret: string,
  sessionSecret: string,
  shortHeader = false,
) {
  const lines: string[] = [];
  const events: AuditEvent[] = [];
  const sink = consoleAudit({ log: (line) => lines.push(line) });
  const federation = createFederation({
    audit: {
      name: "tee",
      write: (e) => {
        events.push(e);
        return sink.write(e);
      },
    },
    retry: { baseDelayMs: 0, maxDelayMs: 0 },
    fetch: async () => {
      throw new Error(`connect failed for token ${tokenSecret}`);
    },
  });
  const nowS = Math.floor(Date.now() / 1000);
  const claims = {
    iss: "https://idp.example",
    sub: "subject",
    aud: failure === "audience" ? "other" : "sts.amazonaws.com",
    exp: failure === "expired" ? nowS - 600 : nowS + 600,
    jti: tokenSecret,
  };
  const token: SubjectToken = shortHeader
    ? decodeSubjectToken(`${SHORT_HEADER}.${rawJwt(claims).split(".")[1]}.${tokenSecret}`)
    : jwt(claims, "unverified", tokenSecret);
  const provider: Provider = {
    cloud: "aws",
    key: "role=reader",
    audience: "sts.amazonaws.com",
    target: { role: "reader" },
    async exchange(subject, ctx) {
      if (failure === "cloud-echo") {
        throw new FederationError("invalid_subject_token", `STS rejected ${subject.raw}`, {
          provider: "aws",
          status: 400,
          cloudCode: "InvalidIdentityToken",
          cloudMessage: `Token ${subject.raw} is not valid`,
          hint: `Rejected ${subject.raw}`,
        });
      }
      if (failure === "echo-everywhere") {
        throw new FederationError("provider_unavailable", `STS 503 for ${subject.raw}`, {
          provider: "aws",
          status: 503,
          cloudCode: `ServiceUnavailable ${subject.raw}`,
          cloudMessage: `could not process ${subject.raw}`,
          requestId: `req-${subject.raw}`,
          traceId: subject.raw,
          hint: `retry ${subject.raw}`,
          retryable: true,
          attempts: 3,
          cause: new Error(`upstream said ${subject.raw}`, {
            cause: Object.assign(new Error("socket closed"), { body: subject.raw }),
          }),
        });
      }
      if (failure === "plain-echo") {
        throw Object.assign(new TypeError(`fetch failed: ${subject.raw}`), {
          request: { body: subject.raw },
        });
      }
      if (failure === "plain-error") throw new Error(`bug leaking ${subject.raw} and ${credSecret}`);
      if (failure === "transport") {
        await ctx.send({
          url: "https://sts.amazonaws.com/",
          method: "POST",
          body: `WebIdentityToken=${subject.raw}`,
          operation: "sts:AssumeRoleWithWebIdentity",
          endpoint: { cloud: "aws", officialHosts: STS_HOSTS },
        });
      }
      return {
        credentials: {
          kind: "aws",
          accessKeyId: `ASIA${credSecret}`,
          secretAccessKey: credSecret,
          sessionToken: sessionSecret,
          expiresAt: Date.now() + 3_600_000,
        },
        sessionName: "fedkit-session",
      };
    },
  };
  const source = failure === "not-a-jwt" ? staticToken(tokenSecret) : staticToken(token);
  const seen: string[] = [];
  /** What `console.error(err)` would print: the whole `cause` chain, own properties included. */
  const logged: string[] = [];
  for (let i = 0; i < 2; i++) {
    try {
      await federation.getCredentials(provider, { source });
    } catch (error) {
      expect(error).toBeInstanceOf(FederationError);
      const e = error as FederationError;
      seen.push(e.message, JSON.stringify(e.toJSON()), String(e), e.hint ?? "", e.cloudMessage ?? "");
      seen.push(e.cloudCode ?? "", e.requestId ?? "", e.traceId ?? "");
      logged.push(inspect(e, { depth: 20 }), e.stack ?? "");
    }
  }
  await federation.flush();
  seen.push(...lines, ...events.map((e) => JSON.stringify(e)));
  return { seen, logged, raw: token.raw, events };
}

describe("redaction (property)", () => {
  it("no token or credential secret appears in any audit event, error, error.toJSON() or console line", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Failure>(
          "none",
          "cloud-echo",
          "echo-everywhere",
          "plain-echo",
          "plain-error",
          "transport",
          "expired",
          "audience",
          "not-a-jwt",
        ),
        secret,
        secret,
        secret,
        fc.boolean(),
        async (failure, tokenSecret, credSecret, sessionSecret, shortHeader) => {
          const { seen, logged, raw, events } = await observe(
            failure,
            tokenSecret,
            credSecret,
            sessionSecret,
            shortHeader,
          );
          expect(events.length).toBeGreaterThan(0);
          for (const text of seen) {
            for (const forbidden of [raw, tokenSecret, credSecret, sessionSecret])
              expect(text).not.toContain(forbidden);
          }
          // Whatever a provider put in its error, the raw token is cut out of the cause chain too.
          for (const text of logged) expect(text).not.toContain(raw);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("createExchangeContext errors never carry the request body", async () => {
    const ctx = createExchangeContext({
      retry: { maxAttempts: 1 },
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    const error = (await ctx
      .send({
        url: "https://sts.amazonaws.com/",
        method: "POST",
        body: "WebIdentityToken=very-secret-token-value",
        operation: "sts:AssumeRoleWithWebIdentity",
        endpoint: { cloud: "aws", officialHosts: STS_HOSTS },
      })
      .catch((e: unknown) => e)) as FederationError;
    expect(error.code).toBe("network");
    expect(JSON.stringify(error.toJSON())).not.toContain("very-secret-token-value");
  });
});
