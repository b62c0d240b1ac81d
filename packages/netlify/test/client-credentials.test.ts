// Attacker tests of clientCredentialsSource: its signed client assertion is a credential (an IdP exchanges it for a
// workload token), so it goes only to an https token endpoint (http only on loopback), never through a redirect,
// and a hostile endpoint can neither stall it (timeout), flood it (body cap) nor read the assertion back.
/// <reference types="node" />
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { FederationError } from "@fedkit/core";
import {
  CLIENT_CREDENTIALS_MAX_RESPONSE_BYTES,
  CLIENT_CREDENTIALS_TIMEOUT_MS,
  clientCredentialsSource,
} from "@fedkit/netlify";
import { describe, expect, it } from "vitest";

const request = { audience: "sts.amazonaws.com", now: () => Date.now() };
const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, [
  "sign",
  "verify",
])) as CryptoKeyPair;
const base = { clientId: "workload", privateKey: pair.privateKey, alg: "ES256" as const, kid: "k1" };
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as FederationError,
  );

describe("clientCredentialsSource refuses unsafe token endpoints", () => {
  it.each([
    "http://idp.example.com/token",
    "http://10.0.0.7/token",
    "ftp://idp.example.com/token",
    "https://user:pass@idp.example.com/token",
    "not a url",
  ])("refuses %s as a bad argument before any request", (tokenEndpoint) => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response("{}");
    };
    expect(() => clientCredentialsSource({ ...base, tokenEndpoint, fetch })).toThrow(TypeError);
    expect(calls).toBe(0);
  });

  it.each([
    "https://idp.example.com/token",
    "https://idp.example.com:8443/token",
    "http://127.0.0.1:9999/token",
    "http://localhost:1/t",
  ])("accepts %s", (tokenEndpoint) => {
    expect(clientCredentialsSource({ ...base, tokenEndpoint }).name).toBe("client-credentials");
  });

  it.each([0, -1, Number.NaN])("refuses timeoutMs %s", (timeoutMs) => {
    expect(() =>
      clientCredentialsSource({ ...base, tokenEndpoint: "https://idp.example.com/t", timeoutMs }),
    ).toThrow(/timeoutMs must be a positive number/);
  });
});

describe("clientCredentialsSource against a hostile token endpoint", () => {
  it("never follows a redirect: the assertion does not reach the Location host", async () => {
    const received: string[] = [];
    const elsewhere = createServer((req, res) => {
      received.push(req.url ?? "");
      res.end("{}");
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, "127.0.0.1", resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/steal`;
    const redirector = createServer((_req, res) => {
      res.writeHead(307, { location: target });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, "127.0.0.1", resolve));
    try {
      const tokenEndpoint = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/token`;
      const error = await failure(clientCredentialsSource({ ...base, tokenEndpoint }).getToken(request));
      expect(error?.code).toBe("bad_response");
      expect(error?.message).toMatch(/redirect/);
      // A fetch that ignores redirect: "error" is still refused on the 3xx status.
      const manual = async () => new Response(null, { status: 302, headers: { location: target } });
      const again = await failure(
        clientCredentialsSource({ ...base, tokenEndpoint, fetch: manual }).getToken(request),
      );
      expect(again?.code).toBe("bad_response");
      expect(received).toEqual([]);
    } finally {
      elsewhere.close();
      redirector.close();
    }
  });

  it("gives up after the timeout (injectable; default 5 s) instead of hanging the request", async () => {
    expect(CLIENT_CREDENTIALS_TIMEOUT_MS).toBe(5000);
    const stall = (_url: string, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason), { once: true });
      });
    const started = Date.now();
    const source = clientCredentialsSource({
      ...base,
      tokenEndpoint: "https://idp.example.com/t",
      fetch: stall,
      timeoutMs: 50,
    });
    const error = await failure(source.getToken(request));
    expect(error?.code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("stops reading an endless answer at the body cap", async () => {
    let pulled = 0;
    const chunk = new TextEncoder().encode("x".repeat(16_384));
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
    const source = clientCredentialsSource({
      ...base,
      tokenEndpoint: "https://idp.example.com/t",
      fetch: flood,
    });
    const error = await failure(source.getToken(request));
    expect(error?.code).toBe("bad_response");
    expect(pulled).toBeLessThanOrEqual(CLIENT_CREDENTIALS_MAX_RESPONSE_BYTES + 2 * chunk.byteLength);
  });

  it("an error answer echoing the client assertion never shows it", async () => {
    let assertion = "";
    const echo = async (_url: string, init?: RequestInit) => {
      assertion = new URLSearchParams(String(init?.body)).get("client_assertion") ?? "";
      return Response.json(
        {
          error: "invalid_client",
          error_description: `bad assertion ${assertion} (${encodeURIComponent(assertion)})`,
        },
        { status: 401, headers: { "x-request-id": assertion } },
      );
    };
    const source = clientCredentialsSource({
      ...base,
      tokenEndpoint: "https://idp.example.com/t",
      fetch: echo,
    });
    const error = await failure(source.getToken(request));
    expect(error?.code).toBe("access_denied");
    expect(assertion.split(".")).toHaveLength(3);
    const seen = `${error?.message} ${JSON.stringify(error?.toJSON())} ${String(error)}`;
    expect(seen).not.toContain(assertion.split(".")[2]);
  });
});
