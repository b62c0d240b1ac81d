// Security: Google STS and IAM Credentials error answers that echo what was sent (the subject token, the
// federated access token) never put it in error.message, error.toJSON(), String(error), audit events or logs.

import { observeFailure, subjectTokenFor } from "@fedkit/test-support/redaction";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gcpIdTokenProvider, gcpProvider } from "../src/index.js";

const AUDIENCE =
  "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/netlify/providers/site";
const subjectToken = subjectTokenFor(`https:${AUDIENCE}`);
// Google's federated tokens start with ya29.; other STS implementations (a private endpoint) need not.
const federatedToken = fc
  .tuple(fc.constantFrom("ya29.d.", ""), fc.stringMatching(/^[A-Za-z0-9_-]{40,120}$/))
  .map(([prefix, s]) => prefix + s);
type Where = "sts" | "iam-access" | "iam-id";
const where = fc.constantFrom<Where>("sts", "iam-access", "iam-id");
type Shape = "oauth" | "google" | "html" | "text";
const shape = fc.constantFrom<Shape>("oauth", "google", "html", "text");
const status = fc.constantFrom(400, 401, 403, 500, 503);

function answer(kind: Shape, code: number, echoed: string): Response {
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), { status: code, headers: { "content-type": "application/json" } });
  switch (kind) {
    case "oauth":
      return json({ error: "invalid_grant", error_description: `The token ${echoed} is invalid` });
    case "google":
      return json({
        error: { code, status: "PERMISSION_DENIED", message: `Permission denied for ${echoed}` },
      });
    case "html":
      return new Response(`<html>${echoed}</html>`, {
        status: code,
        headers: { "content-type": "text/html" },
      });
    case "text":
      return new Response(`{"error":"x","error_description":"${echoed}`, { status: code });
  }
}

async function observe(raw: string, federated: string, at: Where, kind: Shape, code: number) {
  // Each service can only echo what it was sent: STS the subject token, IAM Credentials the federated bearer.
  const echoed = at === "sts" ? `${raw} ${encodeURIComponent(raw)}` : `${raw} ${federated}`;
  const sa = "reader@my-project.iam.gserviceaccount.com";
  const provider =
    at === "iam-id"
      ? gcpIdTokenProvider({
          audience: AUDIENCE,
          serviceAccount: sa,
          targetAudience: "https://run.example.com",
        })
      : gcpProvider({ audience: AUDIENCE, ...(at === "iam-access" ? { serviceAccount: sa } : {}) });
  return observeFailure(raw, provider, async (url) => {
    const host = new URL(String(url)).host;
    if (host.startsWith("sts.") && at !== "sts") {
      return new Response(
        JSON.stringify({
          access_token: federated,
          issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
          token_type: "Bearer",
          expires_in: 3600,
        }),
        { status: 200, headers: { "content-type": "application/json" } },
      );
    }
    return answer(kind, code, echoed);
  });
}

describe("@fedkit/gcp error paths never show a token", () => {
  it("STS and IAM Credentials errors echoing the subject token or the federated token", async () => {
    await fc.assert(
      fc.asyncProperty(
        subjectToken,
        federatedToken,
        where,
        shape,
        status,
        async (raw, federated, at, kind, code) => {
          const seen = await observe(raw, federated, at, kind, code);
          expect(seen).not.toContain(raw);
          expect(seen).not.toContain(raw.split(".")[2]!);
          expect(seen).not.toContain(federated);
        },
      ),
      { numRuns: 80 },
    );
  });
});
