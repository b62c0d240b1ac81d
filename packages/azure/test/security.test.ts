/// <reference types="node" />
// Security: azureFetch never follows a redirect with the bearer, never sends it outside Microsoft's resource
// hosts without an opt-in, and every permission-affecting option changes the provider key.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessToken, Credentials, Provider } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { azureFetch, azureProvider, tokenCredential } from "../src/index.js";

const BEARER = "opaque-entra-bearer-SECRET-0123456789";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "00000000-1111-2222-3333-444444444444";
let asked = 0;
const federation = {
  async getCredentials<C extends Credentials>(_p: Provider<C>) {
    asked++;
    const token: AccessToken = {
      kind: "access-token",
      token: BEARER,
      tokenType: "Bearer",
      expiresAt: Date.now() + 3600_000,
    };
    return token as unknown as C;
  },
};
const provider = (extra: Record<string, unknown> = {}) =>
  azureProvider({
    clientId: CLIENT,
    tenantId: TENANT,
    scope: "https://storage.azure.com/.default",
    env: () => ({}),
    ...extra,
  });

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});
async function serve(reply: (url: string) => { status: number; location?: string }) {
  const hits: Array<{ url: string; authorization: string | undefined }> = [];
  const server = createServer((req, res) => {
    req.resume();
    hits.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const { status, location } = reply(req.url ?? "");
    res.writeHead(status, location ? { location } : {});
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

describe("azureFetch and the bearer", () => {
  for (const status of [301, 302, 307, 308]) {
    it(`a ${status} (cross- or same-origin) reaches no second URL`, async () => {
      const target = await serve(() => ({ status: 200 }));
      const origin = await serve((url) =>
        url === "/same" ? { status, location: "/moved" } : { status, location: `${target.origin}/collect` },
      );
      const blob = azureFetch(federation, provider(), { allowedOrigins: [origin.origin] });
      for (const path of ["/cross", "/same"]) {
        await blob(`${origin.origin}${path}`).catch(() => undefined);
      }
      expect(origin.hits.map((h) => h.url)).toEqual(["/cross", "/same"]);
      expect(origin.hits[0]!.authorization).toBe(`Bearer ${BEARER}`);
      expect(target.hits).toHaveLength(0);
    });
  }

  it.each([
    "http://127.0.0.1:1/c/b",
    "https://acct.blob.core.windows.net.evil.example/c/b",
    "http://acct.blob.core.windows.net/c/b",
    "https://acct.blob.core.windows.net:444/c/b",
    "https://user:pw@acct.blob.core.windows.net/c/b",
    "https://notwindows.net/c/b",
  ])("refuses %s before asking for a token", async (url) => {
    asked = 0;
    let sent = 0;
    const blob = azureFetch(federation, provider(), {
      fetch: async () => {
        sent++;
        return new Response("");
      },
    });
    const error = await blob(url).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string },
    );
    // endpoint_refused; a URL with user info is already refused by the Request constructor (TypeError).
    expect(error?.code ?? (error instanceof TypeError ? "type_error" : undefined)).toMatch(
      /endpoint_refused|type_error/,
    );
    expect(error?.message).not.toContain(BEARER);
    expect(asked).toBe(0);
    expect(sent).toBe(0);
  });
});

describe("provider keys", () => {
  it("differ for scope, tenant, client, authority host and audience; withScope derives a distinct key", () => {
    const keys = [
      provider().key,
      provider({ scope: "https://vault.azure.net/.default" }).key,
      provider({ tenantId: "11111111-2222-3333-4444-555555555555" }).key,
      provider({ clientId: "99999999-1111-2222-3333-444444444444" }).key,
      provider({ authorityHost: "https://login.microsoftonline.us" }).key,
      provider({ audience: "api://AzureADTokenExchangeUSGov" }).key,
      provider().withScope("https://management.azure.com/.default").key,
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("tokenCredential asks for a token of the scope's own provider, never another scope's", async () => {
    const seen: string[] = [];
    const credential = tokenCredential(
      {
        async getCredentials<C extends Credentials>(p: Provider<C>) {
          seen.push(p.key);
          return {
            kind: "access-token",
            token: BEARER,
            tokenType: "Bearer",
            expiresAt: Date.now() + 1e6,
          } as unknown as C;
        },
      },
      provider(),
    );
    await credential.getToken("https://storage.azure.com/.default");
    await credential.getToken("https://vault.azure.net/.default");
    expect(new Set(seen).size).toBe(2);
    await expect(credential.getToken(["a/.default", "b/.default"])).rejects.toMatchObject({
      code: "invalid_request",
    });
    await expect(
      credential.getToken("https://storage.azure.com/.default", {
        tenantId: "11111111-2222-3333-4444-555555555555",
      }),
    ).rejects.toMatchObject({ code: "config" });
  });
});
