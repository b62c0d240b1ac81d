// Security: a hostile Google endpoint echoes the subject token (STS) or the federated access token (IAM
// Credentials) through its request-id headers (x-goog-request-id, x-request-id). None of it reaches an error, an
// audit event or a log line; the id shows "[redacted]" instead.

import { idsOf, observeExchange } from "@fedkit/test-support/hostile-ids";
import { subjectTokenFor } from "@fedkit/test-support/redaction";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gcpProvider } from "../src/index.js";

const AUDIENCE =
  "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/providers/site";
const SA = "reader@my-project.iam.gserviceaccount.com";
const subjectToken = subjectTokenFor(`https:${AUDIENCE}`);
// Google's federated tokens start with ya29.; another STS (a private endpoint) may issue plain opaque ones.
const federatedToken = fc
  .tuple(fc.constantFrom("ya29.d.", ""), fc.stringMatching(/^[A-Za-z0-9_-]{40,120}$/))
  .map(([prefix, s]) => prefix + s);
type Echo = "subject" | "signature" | "federated";
const echo = fc.constantFrom<Echo>("subject", "signature", "federated");
const header = fc.constantFrom("x-goog-request-id", "x-request-id");

async function run(raw: string, federated: string, kind: Echo, name: string) {
  const id =
    kind === "subject" ? raw : kind === "signature" ? raw.slice(raw.lastIndexOf(".") + 1) : federated;
  // STS can only echo what it was sent (the subject token); IAM Credentials also got the federated token.
  const failAt = kind === "federated" ? "iamcredentials." : "sts.";
  const provider = gcpProvider({ audience: AUDIENCE, serviceAccount: SA });
  const observed = await observeExchange(raw, provider, async (url) => {
    const host = new URL(String(url)).host;
    if (host.startsWith("sts.") && failAt !== "sts.") {
      return Response.json({
        access_token: federated,
        issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        token_type: "Bearer",
        expires_in: 3600,
      });
    }
    return Response.json(
      { error: { code: 403, status: "PERMISSION_DENIED", message: "Permission denied" } },
      { status: 403, headers: { [name]: id } },
    );
  });
  return { observed, id };
}

describe("@fedkit/gcp: request ids echoing tokens", () => {
  it("property: nothing echoed through a request-id header is seen", async () => {
    await fc.assert(
      fc.asyncProperty(subjectToken, federatedToken, echo, header, async (raw, federated, kind, name) => {
        const { observed, id } = await run(raw, federated, kind, name);
        expect(observed.error).toBeDefined();
        expect(observed.seen).not.toContain(id);
        expect(observed.seen).not.toContain(federated);
        expect(observed.error?.requestId).toBe("[redacted]");
        for (const shown of idsOf(observed)) expect([undefined, "[redacted]"]).toContain(shown);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps Google's own request id", async () => {
    const provider = gcpProvider({ audience: AUDIENCE });
    const raw = fc.sample(subjectToken, 1)[0]!;
    const observed = await observeExchange(raw, provider, async () =>
      Response.json(
        { error: "invalid_grant" },
        { status: 400, headers: { "x-goog-request-id": "0a1b2c3d4e5f" } },
      ),
    );
    expect(observed.error?.requestId).toBe("0a1b2c3d4e5f");
  });
});
