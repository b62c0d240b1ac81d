import { inspect } from "node:util";
import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { base64url, decodeSubjectToken, scrub } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { fakeProvider, jwt } from "./helpers.js";

const claims = { iss: "https://idp.example", sub: "alice", aud: "sts.amazonaws.com", exp: 1_700_003_600 };
const echo = (raw: string) => `WebIdentityToken=${raw}`;
const b64url = (value: unknown) => base64url(new TextEncoder().encode(JSON.stringify(value)));

/** A token with a header (`{}`) and payload too short for any pattern: only its exact value gives it away. */
const unpatterned = decodeSubjectToken(
  `${b64url({})}.${b64url({ sub: "alice", aud: claims.aud, exp: claims.exp })}.c2lnbmF0dXJlLW9mLWFsaWNl`,
  "verified",
);

function setup() {
  const audit = memoryAudit();
  const federation = createFederation({ audit, now: () => 1_700_000_000_000 });
  return { audit, federation };
}

async function failure(promise: Promise<unknown>): Promise<FederationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FederationError);
  return error as FederationError;
}

describe("engine: the subject token never leaves through a failed exchange", () => {
  it("rebuilds an echoing FederationError with every field kept but the token", async () => {
    const { audit, federation } = setup();
    const token = unpatterned;
    expect(scrub(echo(token.raw))).toBe(echo(token.raw));
    const subject = { sub: "alice", aud: claims.aud };
    const provider = fakeProvider({
      behave: (s) => {
        throw new FederationError("access_denied", `denied ${echo(s.raw)}`, {
          provider: "aws",
          status: 403,
          cloudCode: "AccessDenied",
          cloudMessage: `not allowed: ${echo(s.raw)}`,
          requestId: "req-42",
          traceId: "trace-7",
          hint: `check ${echo(s.raw)}`,
          subject,
          retryable: false,
          attempts: 2,
          cause: new Error("tls alert"),
        });
      },
    });
    const error = await failure(federation.getCredentials(provider, { source: staticToken(token) }));
    expect(error).toMatchObject({
      code: "access_denied",
      provider: "aws",
      status: 403,
      cloudCode: "AccessDenied",
      requestId: "req-42",
      traceId: "trace-7",
      subject,
      retryable: false,
      attempts: 2,
      message: "denied WebIdentityToken=[redacted]",
      cloudMessage: "not allowed: WebIdentityToken=[redacted]",
      hint: "check WebIdentityToken=[redacted]",
    });
    expect((error.cause as Error).message).toBe("tls alert");
    for (const text of [inspect(error, { depth: 20 }), error.stack ?? "", JSON.stringify(audit.events)])
      expect(text).not.toContain(token.raw);
    expect(audit.events.at(-1)?.error?.message).toBe("denied WebIdentityToken=[redacted]");
  });

  it("cuts the token out of a non-FederationError's cause chain, own properties and cycles included", async () => {
    const { federation } = setup();
    const token = jwt(claims, "verified", "YS1kaWZmZXJlbnQtc2lnbmF0dXJl");
    const provider = fakeProvider({
      behave: (s) => {
        const inner = Object.assign(new Error("socket hang up"), { config: { data: echo(s.raw) } });
        const outer = new TypeError(`fetch failed for ${echo(s.raw)}`, { cause: inner });
        (inner as { cause?: unknown }).cause = outer;
        throw outer;
      },
    });
    const error = await failure(federation.getCredentials(provider, { source: staticToken(token) }));
    expect(error.code).toBe("bad_response");
    const cause = error.cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect(cause.name).toBe("TypeError");
    expect(cause.message).toBe("fetch failed for WebIdentityToken=[redacted]");
    expect(inspect(error, { depth: 50 })).not.toContain(token.raw);
  });

  it("returns an error that holds no token as is (same instance, cause untouched)", async () => {
    const { federation } = setup();
    const cause = Object.assign(new Error("ECONNRESET"), { code: "ECONNRESET" });
    const original = new FederationError("network", "STS unreachable", { provider: "aws", cause });
    const provider = fakeProvider({ behave: () => Promise.reject(original) });
    const token = jwt(claims, "verified");
    const error = await failure(federation.getCredentials(provider, { source: staticToken(token) }));
    expect(error).toBe(original);
    expect(error.cause).toBe(cause);
  });

  it("an outage seen by one subject never shows its token to another, tried or refused", async () => {
    const { federation } = setup();
    const alice = jwt(claims, "verified", "YWxpY2Utc2lnbmF0dXJl");
    const bob = jwt({ ...claims, sub: "bob" }, "verified", "Ym9iLXNpZ25hdHVyZQ");
    const provider = fakeProvider({
      behave: (s) => {
        throw new FederationError("provider_unavailable", `503 for ${echo(s.raw)}`, {
          provider: "aws",
          status: 503,
          retryable: true,
          cause: `body ${echo(s.raw)}`,
        });
      },
    });
    await failure(federation.getCredentials(provider, { source: staticToken(alice) }));
    // Bob's own exchange is tried (failure memory is per subject), then remembered for him alone.
    const tried = await failure(federation.getCredentials(provider, { source: staticToken(bob) }));
    const refused = await failure(federation.getCredentials(provider, { source: staticToken(bob) }));
    expect(provider.calls).toBe(2);
    expect(refused.message).toContain("remembered failure");
    for (const error of [tried, refused]) expect(inspect(error, { depth: 20 })).not.toContain(alice.raw);
  });
});
