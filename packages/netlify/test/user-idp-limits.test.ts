// userIdp verifies end users' tokens with core's verifier: the same refusals hold there (a 64 MiB JWKS, a token
// without exp, a token older than maxTokenAge), so a hostile IdP endpoint or a never-expiring user token gets
// no per-user credentials.
import type { FederationError } from "@fedkit/core";
import { createTestSigner } from "@fedkit/core/testing";
import { userIdp } from "@fedkit/netlify";
import { describe, expect, it } from "vitest";

const idp = await createTestSigner("https://idp.example.com");
const jwksUri = "https://idp.example.com/jwks";
const bearer = (token: string) =>
  new Request("https://site.example/files", { headers: { authorization: `Bearer ${token}` } });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as FederationError,
  );
const serveJwks = async () => Response.json(idp.jwks);

describe("userIdp refuses what core's verifier refuses", () => {
  it("a 64 MiB JWKS is refused with bad_response after reading at most the cap", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(65_536).fill(32);
    const flood = async () =>
      new Response(
        new ReadableStream<Uint8Array>({
          pull(controller) {
            pulled += chunk.byteLength;
            if (pulled > 64 * 1024 * 1024) return controller.close();
            controller.enqueue(chunk);
          },
        }),
        { status: 200 },
      );
    const users = userIdp({ issuer: idp.issuer, audience: "site-api", jwksUri });
    const error = await failure(
      users.verify(bearer(await idp.sign({ sub: "alice", aud: "site-api" })), { fetch: flood }),
    );
    expect(error?.code).toBe("bad_response");
    expect(pulled).toBeLessThan(1024 * 1024);
  });

  it("a user token without exp is refused", async () => {
    const users = userIdp({ issuer: idp.issuer, audience: "site-api", jwksUri });
    const token = await idp.sign({ sub: "alice", aud: "site-api", exp: undefined });
    expect((await failure(users.verify(bearer(token), { fetch: serveJwks })))?.code).toBe(
      "invalid_subject_token",
    );
  });

  it("maxTokenAge refuses an old user token and accepts a fresh one", async () => {
    const users = userIdp({ issuer: idp.issuer, audience: "site-api", jwksUri, maxTokenAge: 600 });
    const nowS = Math.floor(Date.now() / 1000);
    const old = await idp.sign({ sub: "alice", aud: "site-api", iat: nowS - 3600 });
    expect((await failure(users.verify(bearer(old), { fetch: serveJwks })))?.code).toBe(
      "expired_subject_token",
    );
    const fresh = await idp.sign({ sub: "alice", aud: "site-api" });
    expect((await users.verify(bearer(fresh), { fetch: serveJwks })).hash).toMatch(/^[0-9a-f]{32}$/);
  });
});
