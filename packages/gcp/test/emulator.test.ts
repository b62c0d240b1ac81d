import { createFederation, FederationError, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gcpFetch, gcpIdTokenProvider } from "../src/index.js";
import { BODY, BUCKET, type Fixture, OBJECT, OTHER_SA, SA, startFixture } from "./setup.js";

let fx: Fixture;
beforeAll(async () => {
  fx = await startFixture();
});
afterAll(() => fx.emulator.stop());

function federation(jwt: string) {
  return createFederation({ source: staticToken(jwt), audit: memoryAudit() });
}

async function failure(promise: Promise<unknown>): Promise<FederationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FederationError);
  return error as FederationError;
}

const media = (origin: string) =>
  `${origin}/storage/v1/b/${BUCKET}/o/${encodeURIComponent(OBJECT)}?alt=media`;

describe("gcpProvider against the emulator", () => {
  it("exchanges at STS and impersonates the service account (two round trips), then reads GCS", async () => {
    const before = {
      sts: fx.state.calls.get("sts") ?? 0,
      iam: fx.state.calls.get("generateAccessToken") ?? 0,
    };
    const provider = fx.provider({ serviceAccount: SA });
    const fed = federation(await fx.mint());
    const creds = await fed.getCredentials(provider);
    expect(creds.kind).toBe("access-token");
    expect(creds.expiresAt).toBeGreaterThan(Date.now() + 3_000_000);
    expect(fx.state.tokens.get(creds.token)?.principal).toEqual({ kind: "service_account", email: SA });
    expect(fx.state.calls.get("sts")).toBe(before.sts + 1);
    expect(fx.state.calls.get("generateAccessToken")).toBe(before.iam + 1);
    const res = await gcpFetch(fed, provider, { allowedOrigins: [fx.emulator.urls.gcs!] })(
      media(fx.emulator.urls.gcs!),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(BODY);
  });

  it("without impersonation returns the federated token (one round trip) usable on GCS by principalSet", async () => {
    const before = {
      sts: fx.state.calls.get("sts") ?? 0,
      iam: fx.state.calls.get("generateAccessToken") ?? 0,
    };
    const provider = fx.provider();
    const fed = federation(await fx.mint());
    const creds = await fed.getCredentials(provider);
    expect(fx.state.tokens.get(creds.token)?.principal).toMatchObject({
      kind: "federated",
      subject: expect.stringMatching(/^site:abc123/),
    });
    expect(fx.state.calls.get("sts")).toBe(before.sts + 1);
    expect(fx.state.calls.get("generateAccessToken")).toBe(before.iam);
    const gfetch = gcpFetch(fed, provider, { allowedOrigins: [fx.emulator.urls.gcs!] });
    const upload = await gfetch(
      `${fx.emulator.urls.gcs}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=new.txt`,
      {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "fresh",
      },
    );
    expect(upload.status).toBe(200);
    const list = (await (
      await gfetch(`${fx.emulator.urls.gcs}/storage/v1/b/${BUCKET}/o?prefix=new`)
    ).json()) as {
      items: { name: string; size: string }[];
    };
    expect(list.items.map((i) => [i.name, i.size])).toEqual([["new.txt", "5"]]);
    expect(
      (await gfetch(`${fx.emulator.urls.gcs}/storage/v1/b/${BUCKET}/o/new.txt`, { method: "DELETE" })).status,
    ).toBe(204);
  });

  it("gcpIdTokenProvider returns a Google-signed ID token for the target audience", async () => {
    const provider = gcpIdTokenProvider({
      ...fx.options,
      serviceAccount: SA,
      targetAudience: "https://api-abc.a.run.app",
    });
    const creds = await federation(await fx.mint()).getCredentials(provider);
    const payload = JSON.parse(Buffer.from(creds.token.split(".")[1]!, "base64url").toString()) as Record<
      string,
      unknown
    >;
    expect(payload).toMatchObject({
      iss: "https://accounts.google.com",
      aud: "https://api-abc.a.run.app",
      email: SA,
    });
    expect(creds.expiresAt).toBe((payload["exp"] as number) * 1000);
  });

  it("a deploy-preview token is refused by the attribute condition (subject_mismatch naming the claims)", async () => {
    const jwt = await fx.mint({
      sub: "site:abc123:context:deploy-preview:function:read-report",
      claims: { context: "deploy-preview" },
    });
    const error = await failure(federation(jwt).getCredentials(fx.provider({ serviceAccount: SA })));
    expect(error.code).toBe("subject_mismatch");
    expect(error.cloudCode).toBe("unauthorized_client");
    expect(error.hint).toContain("sub=site:abc123:context:deploy-preview");
    expect(error.hint).toContain('pool "netlify", provider "site"');
  });

  it("a token for another audience is audience_mismatch (the engine checks before sending)", async () => {
    const error = await failure(
      federation(await fx.mint({ aud: "sts.amazonaws.com" })).getCredentials(fx.provider()),
    );
    expect(error.code).toBe("audience_mismatch");
  });

  it("STS refuses a wrong audience with invalid_grant, mapped to audience_mismatch", async () => {
    const jwt = await fx.mint({ aud: "https://elsewhere.example" });
    const error = await failure(
      federation(jwt).getCredentials(fx.provider({ subjectAudience: "https://elsewhere.example" })),
    );
    expect(error).toMatchObject({ code: "audience_mismatch", cloudCode: "invalid_grant", status: 400 });
  });

  it("an unknown provider is invalid_target → config naming pool and provider", async () => {
    const audience = fx.audience.replace(/providers\/site$/, "providers/nope");
    const jwt = await fx.mint({ aud: `https:${audience}` });
    const error = await failure(federation(jwt).getCredentials(fx.provider({ audience })));
    expect(error).toMatchObject({ code: "config", cloudCode: "invalid_target" });
    expect(error.hint).toContain('provider "nope"');
  });

  it("a principal without workloadIdentityUser is PERMISSION_DENIED → access_denied naming both causes, never widening", async () => {
    const error = await failure(
      federation(await fx.mint()).getCredentials(fx.provider({ serviceAccount: OTHER_SA })),
    );
    expect(error).toMatchObject({ code: "access_denied", cloudCode: "PERMISSION_DENIED", status: 403 });
    // Google answers the same for a missing service account ("or it may not exist"): the hint names both.
    expect(error.hint).toMatch(
      new RegExp(`^Either ${OTHER_SA} does not exist \\(Google answers the same\\) or`),
    );
    expect(error.hint).toContain("supposed to be refused");
    expect(error.hint).not.toContain("add-iam-policy-binding");
    expect(error.hint).toContain(
      "principal://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/netlify/subject/site:abc123",
    );
  });

  it("a function not bound on the service account is refused (principalSet on attribute.function)", async () => {
    const jwt = await fx.mint({
      sub: "site:abc123:context:production:function:other",
      claims: { function: "other" },
    });
    const error = await failure(federation(jwt).getCredentials(fx.provider({ serviceAccount: SA })));
    expect(error.code).toBe("access_denied");
  });

  it("an expired token is refused locally before any round trip", async () => {
    const before = fx.state.calls.get("sts") ?? 0;
    const jwt = await fx.mint({
      claims: { exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 900 },
    });
    const error = await failure(federation(jwt).getCredentials(fx.provider()));
    expect(error.code).toBe("expired_subject_token");
    expect(fx.state.calls.get("sts") ?? 0).toBe(before);
  });

  it("gcpFetch refuses to send the bearer outside Google's hosts unless opted in", async () => {
    const fed = federation(await fx.mint());
    const error = await failure(gcpFetch(fed, fx.provider())(media(fx.emulator.urls.gcs!)));
    expect(error.code).toBe("endpoint_refused");
    const evil = await failure(gcpFetch(fed, fx.provider())("https://storage.googleapis.com.evil.example/x"));
    expect(evil.code).toBe("endpoint_refused");
  });

  it("GCS answers Google-shaped 403/404 for the bearer's principal", async () => {
    const provider = fx.provider({ serviceAccount: SA });
    const gfetch = gcpFetch(federation(await fx.mint()), provider, {
      allowedOrigins: [fx.emulator.urls.gcs!],
    });
    const denied = await gfetch(
      `${fx.emulator.urls.gcs}/upload/storage/v1/b/${BUCKET}/o?uploadType=media&name=x`,
      {
        method: "POST",
        body: "x",
      },
    );
    expect(denied.status).toBe(403);
    const body = (await denied.json()) as {
      error: { code: number; message: string; errors: { reason: string }[] };
    };
    expect(body.error.message).toContain(`${SA} does not have storage.objects.create access`);
    expect(body.error.errors[0]!.reason).toBe("forbidden");
    const missing = await gfetch(`${fx.emulator.urls.gcs}/storage/v1/b/${BUCKET}/o/none?alt=media`);
    expect(missing.status).toBe(404);
    const anonymous = await fetch(media(fx.emulator.urls.gcs!));
    expect(anonymous.status).toBe(401);
  });
});
