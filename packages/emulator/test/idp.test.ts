import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, IssuerVerifier, startEmulator } from "../src/index.js";
import { startListener } from "../src/server.js";

const clock = Date.UTC(2030, 5, 1);
const now = () => clock;
let emulator: Emulator;
let clientKey: CryptoKey;
let remoteKey: CryptoKey;
let jwksServer: Awaited<ReturnType<typeof startListener>>;

beforeAll(async () => {
  const inline = await generateKeyPair("ES256");
  const remote = await generateKeyPair("RS256");
  clientKey = inline.privateKey;
  remoteKey = remote.privateKey;
  const remoteJwk: JWK = { ...(await exportJWK(remote.publicKey)), kid: "remote-1", alg: "RS256" };
  jwksServer = await startListener({
    maxBodyBytes: 1024,
    handler: async () => Response.json({ keys: [remoteJwk] }),
  });
  emulator = await startEmulator(
    {
      idp: {
        users: [{ sub: "alice", claims: { email: "alice@example.com", groups: ["eng"] } }],
        clients: [
          {
            clientId: "worker",
            jwks: { keys: [{ ...(await exportJWK(inline.publicKey)), kid: "w1" }] },
            audience: "sts.amazonaws.com",
          },
          { clientId: "remote", jwksUri: `${jwksServer.url}/jwks.json` },
        ],
      },
    },
    { now },
  );
});
afterAll(async () => {
  await emulator.stop();
  await jwksServer.close();
});

async function assertion(
  options: {
    key?: CryptoKey;
    alg?: string;
    iss?: string;
    aud?: string;
    exp?: number;
    jti?: string | null;
    kid?: string;
  } = {},
) {
  const iss = options.iss ?? "worker";
  const claims: Record<string, unknown> = { iss, sub: iss, aud: options.aud ?? `${emulator.urls.idp}/token` };
  if (options.jti !== null) claims["jti"] = options.jti ?? crypto.randomUUID();
  return new SignJWT(claims)
    .setProtectedHeader({ alg: options.alg ?? "ES256", kid: options.kid ?? "w1" })
    .setIssuedAt(Math.floor(clock / 1000))
    .setExpirationTime(options.exp ?? Math.floor(clock / 1000) + 300)
    .sign(options.key ?? clientKey);
}

async function token(form: Record<string, string>) {
  const response = await fetch(`${emulator.urls.idp}/token`, {
    method: "POST",
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const jwtBearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

describe("OIDC IdP", () => {
  it("publishes discovery and mints tokens with configured user claims that verify", async () => {
    const discovery = await (await fetch(`${emulator.urls.idp}/.well-known/openid-configuration`)).json();
    expect(discovery).toMatchObject({
      issuer: emulator.urls.idp,
      token_endpoint: `${emulator.urls.idp}/token`,
      grant_types_supported: ["client_credentials"],
      token_endpoint_auth_methods_supported: ["private_key_jwt"],
    });
    const jwt = await emulator.idp.mint({ sub: "alice", aud: ["sts.amazonaws.com", "other"] });
    const { payload } = await new IssuerVerifier({ now }).verify(jwt);
    expect(payload).toMatchObject({
      iss: emulator.urls.idp,
      sub: "alice",
      email: "alice@example.com",
      groups: ["eng"],
    });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(typeof payload.jti).toBe("string");
  });

  it("issues client_credentials tokens to a private_key_jwt client with an inline JWKS", async () => {
    const { status, body } = await token({
      grant_type: "client_credentials",
      client_assertion_type: jwtBearer,
      client_assertion: await assertion(),
      scope: "read",
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "read" });
    const { payload } = await new IssuerVerifier({ now }).verify(body["access_token"] as string);
    expect(payload).toMatchObject({
      sub: "worker",
      aud: "sts.amazonaws.com",
      client_id: "worker",
      scope: "read",
    });
  });

  it("fetches a client's jwksUri and honours a requested audience when the client has none fixed", async () => {
    const signed = await assertion({
      iss: "remote",
      key: remoteKey,
      alg: "RS256",
      kid: "remote-1",
      aud: emulator.urls.idp,
    });
    const { status, body } = await token({
      grant_type: "client_credentials",
      client_id: "remote",
      client_assertion_type: jwtBearer,
      client_assertion: signed,
      audience: "api://custom",
    });
    expect(status).toBe(200);
    const { payload } = await new IssuerVerifier({ now }).verify(body["access_token"] as string);
    expect(payload.aud).toBe("api://custom");
  });

  it("refuses replayed, expired, mis-addressed, wrongly signed and unknown client assertions", async () => {
    const base = { grant_type: "client_credentials", client_assertion_type: jwtBearer };
    const once = await assertion();
    expect((await token({ ...base, client_assertion: once })).status).toBe(200);
    const replay = await token({ ...base, client_assertion: once });
    expect(replay).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(replay.body["error_description"]).toMatch(/already used/);

    const expired = await assertion({ exp: Math.floor(clock / 1000) - 120 });
    expect((await token({ ...base, client_assertion: expired })).body["error_description"]).toMatch(
      /expired/,
    );
    const wrongAud = await assertion({ aud: "https://elsewhere.example/token" });
    expect((await token({ ...base, client_assertion: wrongAud })).body["error_description"]).toMatch(/aud/);
    const otherKey = (await generateKeyPair("ES256")).privateKey;
    const forged = await assertion({ key: otherKey });
    expect((await token({ ...base, client_assertion: forged })).body["error_description"]).toMatch(
      /bad_signature/,
    );
    const unknown = await assertion({ iss: "nobody" });
    expect(await token({ ...base, client_assertion: unknown })).toMatchObject({
      status: 401,
      body: { error: "invalid_client" },
    });
    const noJti = await assertion({ jti: null });
    expect((await token({ ...base, client_assertion: noJti })).body["error_description"]).toMatch(/jti/);
    const farFuture = await assertion({ exp: Math.floor(clock / 1000) + 7200 });
    expect((await token({ ...base, client_assertion: farFuture })).body["error_description"]).toMatch(/hour/);
  });

  it("answers OAuth errors for a wrong grant type, a missing assertion and a foreign audience request", async () => {
    expect(await token({ grant_type: "password" })).toMatchObject({
      status: 400,
      body: { error: "unsupported_grant_type" },
    });
    expect(await token({ grant_type: "client_credentials" })).toMatchObject({
      status: 401,
      body: { error: "invalid_client" },
    });
    const target = await token({
      grant_type: "client_credentials",
      client_assertion_type: jwtBearer,
      client_assertion: await assertion(),
      audience: "not-mine",
    });
    expect(target).toMatchObject({ status: 400, body: { error: "invalid_target" } });
  });

  it("rotates and retires keys in the published JWKS", async () => {
    const before = emulator.idp.jwks().keys.length;
    const kid = await emulator.idp.rotate("ES256");
    const published = (await (await fetch(`${emulator.urls.idp}/jwks`)).json()) as { keys: JWK[] };
    expect(published.keys.map((k) => k.kid)).toContain(kid);
    expect(published.keys).toHaveLength(before + 1);
    expect(published.keys.every((k) => k.d === undefined)).toBe(true);
    emulator.idp.retire(kid);
    expect(emulator.idp.jwks().keys.map((k) => k["kid"])).not.toContain(kid);
    expect(() => emulator.idp.retire("missing")).toThrow(TypeError);
  });
});
