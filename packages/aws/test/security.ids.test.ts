// Security: a hostile STS endpoint echoes the subject token or a credential through its request id (the
// x-amzn-RequestId header and the RequestId element, on success and on error). None of it reaches an error, an
// audit event or a log line; the id fields show "[redacted]" instead.

import { idsOf, observeExchange } from "@fedkit/test-support/hostile-ids";
import { subjectTokenFor } from "@fedkit/test-support/redaction";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { awsProvider } from "../src/provider.js";
import { stsError, stsSuccess } from "./helpers.js";

const subjectToken = subjectTokenFor("sts.amazonaws.com");
const b64 = (min: number, max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9+/]{${min},${max}}$`));
const credentials = fc.record({
  accessKeyId: fc.stringMatching(/^ASIA[A-Z0-9]{16}$/),
  secretAccessKey: b64(40, 40),
  sessionToken: b64(100, 200).map((rest) => `IQoJb3JpZ2luX2Vj${rest}`),
});
type Echo = "subject" | "signature" | "accessKeyId" | "secretAccessKey" | "sessionToken";
// An error answer carries no credentials of this exchange: what it could echo is the subject token, or
// credentials of another exchange, which only their shape gives away (a secret key does not have one).
const echoOnSuccess = fc.constantFrom<Echo>(
  "subject",
  "signature",
  "accessKeyId",
  "secretAccessKey",
  "sessionToken",
);
const echoOnError = fc.constantFrom<Echo>("subject", "signature", "accessKeyId", "sessionToken");
const where = fc.constantFrom("header", "body", "both");

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken: string };

function echoed(kind: Echo, raw: string, creds: Creds): string {
  if (kind === "subject") return raw;
  if (kind === "signature") return raw.slice(raw.lastIndexOf(".") + 1);
  return creds[kind];
}

async function run(raw: string, creds: Creds, id: string, place: string, ok: boolean) {
  const provider = awsProvider({
    roleArn: "arn:aws:iam::123456789012:role/reader",
    region: "eu-west-1",
    env: {},
  });
  const inBody = place !== "header";
  const headers: Record<string, string> = { "content-type": "text/xml" };
  if (place !== "body") headers["x-amzn-requestid"] = id;
  return observeExchange(raw, provider, async () => {
    if (ok) {
      const xml = stsSuccess("AssumeRoleWithWebIdentity", { accessKeyId: creds.accessKeyId })
        .replace("secret/key+value", creds.secretAccessKey)
        .replace("session-token-value", creds.sessionToken)
        .replace("<RequestId>req-1</RequestId>", `<RequestId>${inBody ? id : "req-1"}</RequestId>`);
      return new Response(xml, { status: 200, headers });
    }
    const xml = stsError("AccessDenied", "Not authorized").replace(
      "<RequestId>err-1</RequestId>",
      `<RequestId>${inBody ? id : "err-1"}</RequestId>`,
    );
    return new Response(xml, { status: 403, headers });
  });
}

describe("@fedkit/aws: request ids echoing secrets", () => {
  it.each([true, false])(
    "property: nothing echoed through an id is seen (exchange succeeds: %s)",
    async (ok) => {
      await fc.assert(
        fc.asyncProperty(
          subjectToken,
          credentials,
          ok ? echoOnSuccess : echoOnError,
          where,
          async (raw, creds, kind, place) => {
            const secret = echoed(kind, raw, creds);
            const observed = await run(raw, creds, secret, place, ok);
            expect(observed.error === undefined).toBe(ok);
            expect(observed.seen).not.toContain(secret);
            // STS's body id wins over the header: with the echo in the body, the id shown is the redaction.
            const ids = idsOf(observed).filter((id) => id !== undefined);
            for (const id of ids) expect(["[redacted]", "req-1", "err-1"]).toContain(id);
            if (place !== "header") expect(ids).toContain("[redacted]");
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it("keeps STS's own UUID request id on success and on error", async () => {
    const id = "c6104cbe-af31-11e0-8154-cbc7ccf896c7";
    const creds = {
      accessKeyId: "ASIATESTACCESSKEY012",
      secretAccessKey: "s".repeat(40),
      sessionToken: "t".repeat(120),
    };
    const raw = fc.sample(subjectToken, 1)[0]!;
    expect((await run(raw, creds, id, "both", true)).events[0]?.requestId).toBe(id);
    expect((await run(raw, creds, id, "both", false)).error?.requestId).toBe(id);
  });
});
