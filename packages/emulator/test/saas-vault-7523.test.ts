/// <reference types="node" />
/**
 * Vault JWT auth login (`POST /v1/auth/jwt/login`, JSON `{ role, jwt }`, role = bound audiences/subject/claims,
 * errors as `{"errors": [...]}`) and the generic RFC 7523 jwt-bearer grant (form `assertion`, `aud` must name the
 * token endpoint, single-use `jti`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSaasService, type Emulator, GRANT_JWT_BEARER, startEmulator } from "../src/index.js";
import { testClock } from "./aws-fixture.js";
import { postForm, postJson } from "./saas-support.js";

const clock = testClock();
let emulator: Emulator;
let vault: string;
let bearer: string;

beforeAll(async () => {
  emulator = await startEmulator({ saas: {} }, { now: clock.now });
  const issuer = emulator.idp.issuer;
  vault = addSaasService(emulator, {
    name: "vault",
    preset: "vault",
    issuers: [{ issuer }],
    bindings: [
      {
        id: "ci",
        issuer,
        audience: ["vault"],
        subject: "project_path:acme/app:ref_type:branch:ref:main",
        claims: { ref_protected: "true" },
        scope: "ci-read",
        tokenLifetimeSeconds: 1200,
      },
      { id: "open", issuer },
    ],
  });
  bearer = addSaasService(emulator, {
    name: "bearer",
    preset: "rfc7523",
    issuers: [{ issuer }],
    bindings: [{ id: "svc", issuer, subjectPrefix: "svc:" }],
  });
});
afterAll(() => emulator.stop());

const SUB = "project_path:acme/app:ref_type:branch:ref:main";

describe("vault jwt login", () => {
  it("logs in a token matching the role and serves lookup-self to X-Vault-Token", async () => {
    const jwt = await emulator.idp.mint({ sub: SUB, aud: "vault", claims: { ref_protected: "true" } });
    const { status, body } = await postJson(`${vault}/v1/auth/jwt/login`, { role: "ci", jwt });
    expect(status).toBe(200);
    const auth = body["auth"] as Record<string, unknown>;
    expect(auth).toMatchObject({ policies: ["default", "ci-read"], lease_duration: 1200, renewable: true });
    const lookup = await fetch(`${vault}/v1/auth/token/lookup-self`, {
      headers: { "x-vault-token": String(auth["client_token"]) },
    });
    expect(await lookup.json()).toMatchObject({
      data: { policies: ["default", "ci-read"], meta: { role: "ci" } },
    });
    const denied = await fetch(`${vault}/v1/auth/token/lookup-self`, {
      headers: { "x-vault-token": "hvs.forged" },
    });
    expect([denied.status, await denied.json()]).toEqual([403, { errors: ["permission denied"] }]);
  });

  it("refuses bound claim, audience and subject mismatches with 403 and Vault's error shape", async () => {
    for (const [sub, aud, claims] of [
      [SUB, "vault", { ref_protected: "false" }],
      [SUB, "not-vault", { ref_protected: "true" }],
      ["project_path:acme/app:ref_type:branch:ref:dev", "vault", { ref_protected: "true" }],
    ] as const) {
      const jwt = await emulator.idp.mint({ sub, aud, claims });
      const { status, body } = await postJson(`${vault}/v1/auth/jwt/login`, { role: "ci", jwt });
      expect(status).toBe(403);
      expect(body["errors"]).toEqual([expect.stringContaining("error validating token")]);
      expect(JSON.stringify(body)).not.toContain(jwt);
    }
  });

  it("refuses an unknown role (400) and a role without bound_audiences (403)", async () => {
    const jwt = await emulator.idp.mint({ sub: SUB, aud: "vault" });
    expect((await postJson(`${vault}/v1/auth/jwt/login`, { role: "nope", jwt })).status).toBe(400);
    const open = await postJson(`${vault}/v1/auth/jwt/login`, { role: "open", jwt });
    expect(open.status).toBe(403);
  });
});

describe("generic RFC 7523 jwt-bearer endpoint", () => {
  const grant = (assertion: string) => ({ grant_type: GRANT_JWT_BEARER, assertion });

  it("accepts an assertion whose aud is the token endpoint URL, once", async () => {
    const assertion = await emulator.idp.mint({ sub: "svc:reports", aud: `${bearer}/token` });
    const ok = await postForm(`${bearer}/token`, grant(assertion));
    expect(ok).toMatchObject({ status: 200, body: { token_type: "Bearer", expires_in: 3600 } });
    expect(ok.body["issued_token_type"]).toBeUndefined();
    const replay = await postForm(`${bearer}/token`, grant(assertion));
    expect(replay).toEqual({
      status: 400,
      body: { error: "invalid_grant", error_description: "the jti was already used" },
    });
  });

  it("refuses an assertion for another audience, a subject outside the prefix, and a missing assertion", async () => {
    const otherAud = await emulator.idp.mint({ sub: "svc:reports", aud: "https://elsewhere.test/token" });
    expect((await postForm(`${bearer}/token`, grant(otherAud))).body["error_description"]).toBe(
      "aud does not match",
    );
    const otherSub = await emulator.idp.mint({ sub: "user:alice", aud: `${bearer}/token` });
    expect((await postForm(`${bearer}/token`, grant(otherSub))).body["error"]).toBe("invalid_grant");
    const missing = await postForm(`${bearer}/token`, { grant_type: GRANT_JWT_BEARER });
    expect([missing.status, missing.body["error"]]).toEqual([400, "invalid_request"]);
  });
});
