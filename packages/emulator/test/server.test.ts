import { request as httpsRequest } from "node:https";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, type Emulator, startEmulator } from "../src/index.js";
import { startListener } from "../src/server.js";

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca }, (res) => {
      let body = "";
      res.on("data", (chunk) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

describe("startEmulator", () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.stop();
    emulator = undefined;
  });

  it("listens on loopback with one URL per service and serves the IdP discovery", async () => {
    emulator = await startEmulator();
    expect(emulator.urls.idp).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.urls.sts).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(new Set(Object.values(emulator.urls)).size).toBe(Object.keys(emulator.urls).length);
    expect(emulator.ca).toBeUndefined();
    const discovery = await (await fetch(`${emulator.urls.idp}/.well-known/openid-configuration`)).json();
    expect(discovery.issuer).toBe(emulator.urls.idp);
    expect(discovery.jwks_uri).toBe(`${emulator.urls.idp}/jwks`);
  });

  it("serves https with a generated CA that a strict client can trust for 127.0.0.1", async () => {
    emulator = await startEmulator({ tls: true });
    expect(emulator.urls.idp).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(emulator.ca).toContain("BEGIN CERTIFICATE");
    const { status, body } = await httpsGet(`${emulator.urls.idp}/jwks`, emulator.ca!);
    expect(status).toBe(200);
    expect(
      JSON.parse(body)
        .keys.map((k: { alg: string }) => k.alg)
        .sort(),
    ).toEqual(["ES256", "RS256"]);
    // Without the CA the default trust store refuses the certificate.
    await expect(fetch(`${emulator.urls.idp}/jwks`)).rejects.toThrow();
  });

  it("stops cleanly: the port refuses connections afterwards, and stop() is idempotent", async () => {
    emulator = await startEmulator();
    const url = emulator.urls.idp;
    await emulator.stop();
    await emulator.stop();
    await expect(fetch(`${url}/jwks`)).rejects.toThrow();
  });

  it("rejects a config with a clear path to the wrong field", async () => {
    await expect(startEmulator({ aws: { accountId: "12" } })).rejects.toThrow(
      /aws\.accountId: expected twelve digits/,
    );
    const bad = { aws: { roles: [{ name: "r", trustPolicy: { Statement: { Effect: "Maybe" } } }] } };
    const error = await startEmulator(bad as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toMatch(/^aws\.roles\[0\]\.trustPolicy/);
    await expect(startEmulator({ nope: 1 } as never)).rejects.toThrow(/\(root\)\.nope: unknown field/);
  });
});

describe("startListener", () => {
  it("caps request bodies with 413 and turns handler errors into a bare 500", async () => {
    const listener = await startListener({
      maxBodyBytes: 1024,
      handler: async (request) => {
        if (new URL(request.url).pathname === "/boom") throw new Error("secret detail");
        return new Response(
          `${request.method} ${(await request.arrayBuffer()).byteLength} ${request.headers.get("host")}`,
        );
      },
    });
    try {
      const ok = await fetch(`${listener.url}/x`, { method: "POST", body: "a".repeat(1024) });
      expect(await ok.text()).toBe(`POST 1024 127.0.0.1:${listener.port}`);
      const big = await fetch(`${listener.url}/x`, { method: "POST", body: "a".repeat(1025) });
      expect(big.status).toBe(413);
      const boom = await fetch(`${listener.url}/boom`);
      expect(boom.status).toBe(500);
      expect(await boom.text()).not.toContain("secret");
    } finally {
      await listener.close();
    }
  });
});
