// Security: whatever STS answers (an error document, HTML, JSON, a truncated body) that echoes the subject
// token or the first hop's session token (what STS was sent, so what it could echo), none of them reaches error.message, error.toJSON(),
// String(error), an audit event or a console log line.

import { observeFailure, subjectTokenFor } from "@fedkit/test-support/redaction";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assumeRole } from "../src/assume-role.js";
import { awsProvider } from "../src/provider.js";
import { stsSuccess } from "./helpers.js";

const b64chunk = fc.stringMatching(/^[A-Za-z0-9+/]{40,120}$/);
const subjectToken = subjectTokenFor("sts.amazonaws.com");
/** AWS session tokens start with one of a few fixed prefixes, then base64. */
const sessionToken = fc
  .tuple(fc.constantFrom("IQoJb3JpZ2luX2Vj", "FwoGZXIvYXdzE", "AQoDYXdzE"), b64chunk)
  .map(([p, rest]) => p + rest);
const secretKey = fc.stringMatching(/^[A-Za-z0-9+/]{40}$/);

type Shape = "xml" | "xml-5xx" | "html" | "json" | "text";
const shape = fc.constantFrom<Shape>("xml", "xml-5xx", "html", "json", "text");
const code = fc.constantFrom(
  "InvalidIdentityToken",
  "AccessDenied",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "ValidationError",
  "Weird",
);

function errorAnswer(kind: Shape, errCode: string, echoed: string): Response {
  const xml = `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${errCode}</Code><Message>bad ${echoed} here</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`;
  switch (kind) {
    case "xml":
      return new Response(xml, { status: 403, headers: { "content-type": "text/xml" } });
    case "xml-5xx":
      return new Response(xml, { status: 503, headers: { "content-type": "text/xml" } });
    case "html":
      return new Response(`<html><body>oops ${echoed}</body></html>`, {
        status: 502,
        headers: { "content-type": "text/html" },
      });
    case "json":
      return new Response(JSON.stringify({ message: `token ${echoed}` }), {
        status: 400,
        headers: { "content-type": "application/json" },
      });
    case "text":
      return new Response(`<ErrorResponse><Error><Code>${errCode}</Code><Message>${echoed}`, { status: 400 });
  }
}

async function observe(
  chained: boolean,
  raw: string,
  session: string,
  secret: string,
  kind: Shape,
  errCode: string,
) {
  const echoed = `${raw} ${session} ${encodeURIComponent(session)}`;
  const base = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/first", region: "eu-west-1", env: {} });
  const provider = chained ? assumeRole(base, { roleArn: "arn:aws:iam::210987654321:role/second" }) : base;
  return observeFailure(raw, provider, async (_url, init) => {
    const body = String(init?.body ?? "");
    if (chained && body.includes("AssumeRoleWithWebIdentity")) {
      const xml = stsSuccess("AssumeRoleWithWebIdentity")
        .replace("session-token-value", session)
        .replace("secret/key+value", secret);
      return new Response(xml, { status: 200, headers: { "content-type": "text/xml" } });
    }
    return errorAnswer(kind, errCode, echoed);
  });
}

describe("@fedkit/aws error paths never show a secret", () => {
  it("AssumeRoleWithWebIdentity errors echoing the subject token", async () => {
    await fc.assert(
      fc.asyncProperty(
        subjectToken,
        sessionToken,
        secretKey,
        shape,
        code,
        async (raw, session, secret, kind, c) => {
          const seen = await observe(false, raw, session, secret, kind, c);
          expect(seen).not.toContain(raw);
          expect(seen).not.toContain(raw.split(".")[2]!);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the chained AssumeRole hop's errors echoing the first hop's session token", async () => {
    await fc.assert(
      fc.asyncProperty(
        subjectToken,
        sessionToken,
        secretKey,
        shape,
        code,
        async (raw, session, secret, kind, c) => {
          const seen = await observe(true, raw, session, secret, kind, c);
          expect(seen).not.toContain(raw);
          expect(seen).not.toContain(session);
          expect(seen).not.toContain(encodeURIComponent(session));
        },
      ),
      { numRuns: 60 },
    );
  });
});
