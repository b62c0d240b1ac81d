/// <reference types="node" />
// FedkitAuthClient (google-auth-library adapter) sends the bearer only where gcpFetch would: Google's API hosts
// over https, or an origin the caller opted into. Every refusal comes before a token is asked for and before
// anything is sent, whichever entry point a client library uses (getRequestHeaders(url), request(), fetch()).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessToken, Federation } from "@fedkit/core";
import { gaxios } from "google-auth-library";
import { afterEach, describe, expect, it } from "vitest";
import { gcpProvider } from "../src/index.js";
import { FedkitAuthClient } from "../src/node/index.js";

const BEARER = "ya29.c.SECRET-ACCESS-TOKEN-that-must-stay-put";
const provider = gcpProvider({ projectNumber: "123456789012", poolId: "netlify", providerId: "site" });

/** A federation that counts how often a token was asked for. */
function countingFederation() {
  const state = { asked: 0 };
  const federation = {
    async getCredentials() {
      state.asked++;
      const token: AccessToken = {
        kind: "access-token",
        token: BEARER,
        tokenType: "Bearer",
        expiresAt: Date.now() + 3_600_000,
      };
      return token;
    },
  } as unknown as Federation;
  return { federation, state };
}

/** A fetch for gaxios that records where requests went and with which authorization, and answers 200. */
function recordingFetch() {
  const sent: Array<{ url: string; authorization: string | null }> = [];
  const fetchImplementation = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    sent.push({ url, authorization: new Headers(init?.headers).get("authorization") });
    return new Response("{}", { headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  return { sent, fetchImplementation };
}

const REFUSED = [
  "http://127.0.0.1:1/storage/v1/b",
  "https://storage.googleapis.com.evil.example/x",
  "https://evilgoogleapis.com/x",
  "https://attacker.example/collect",
  "http://storage.googleapis.com/x",
  "https://storage.googleapis.com:8443/x",
  "https://user:pw@storage.googleapis.com/x",
];

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

describe("FedkitAuthClient sends the bearer only to Google's API hosts unless opted in", () => {
  it.each(REFUSED)("getRequestHeaders(%s) is refused before a token is asked for", async (url) => {
    const { federation, state } = countingFederation();
    const client = new FedkitAuthClient(federation, provider);
    await expect(client.getRequestHeaders(url)).rejects.toMatchObject({
      name: "FederationError",
      code: "endpoint_refused",
      provider: "gcp",
    });
    expect(state.asked).toBe(0);
  });

  it.each(REFUSED)("request({ url: %s }) is refused before asking or sending", async (url) => {
    const { federation, state } = countingFederation();
    const { sent, fetchImplementation } = recordingFetch();
    const client = new FedkitAuthClient(federation, provider);
    const error = await client.request({ url, fetchImplementation, retry: false }).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string; hint?: string },
    );
    expect(error?.code).toBe("endpoint_refused");
    expect(`${error?.message} ${error?.hint}`).not.toContain(BEARER);
    expect(state.asked).toBe(0);
    expect(sent).toHaveLength(0);
  });

  it("fetch() (google-auth-library 10's fetch-style API) goes through the same check", async () => {
    const { federation, state } = countingFederation();
    const { sent, fetchImplementation } = recordingFetch();
    const client = new FedkitAuthClient(federation, provider);
    const init = { fetchImplementation } as RequestInit;
    await expect(client.fetch("https://attacker.example/x", init)).rejects.toMatchObject({
      code: "endpoint_refused",
    });
    expect(state.asked + sent.length).toBe(0);
  });

  it("a baseURL cannot move a relative URL off Google's hosts (the caller's or the transporter's)", async () => {
    const { federation, state } = countingFederation();
    const { sent, fetchImplementation } = recordingFetch();
    const client = new FedkitAuthClient(federation, provider);
    await expect(
      client.request({ baseURL: "https://attacker.example", url: "/collect", fetchImplementation }),
    ).rejects.toMatchObject({ code: "endpoint_refused" });
    const viaTransporter = new FedkitAuthClient(federation, provider, {
      transporter: new gaxios.Gaxios({ baseURL: "https://attacker.example" }),
    });
    await expect(viaTransporter.request({ url: "/collect", fetchImplementation })).rejects.toMatchObject({
      code: "endpoint_refused",
    });
    expect(state.asked + sent.length).toBe(0);
  });

  it("an absolute Google URL is sent where it was checked, whatever the baseURL", async () => {
    const { federation } = countingFederation();
    const { sent, fetchImplementation } = recordingFetch();
    const client = new FedkitAuthClient(federation, provider, {
      transporter: new gaxios.Gaxios({ baseURL: "https://attacker.example" }),
    });
    await client.request({
      url: "https://storage.googleapis.com/storage/v1/b/reports/o",
      fetchImplementation,
    });
    await client.request({
      baseURL: "https://storage.googleapis.com",
      url: "/storage/v1/b/reports",
      fetchImplementation,
    });
    expect(sent.map((s) => new URL(s.url).origin)).toEqual([
      "https://storage.googleapis.com",
      "https://storage.googleapis.com",
    ]);
    expect(sent.every((s) => s.authorization === `Bearer ${BEARER}`)).toBe(true);
  });

  it("a request without a url is a config error, not a request to the transporter's default", async () => {
    const { federation, state } = countingFederation();
    const client = new FedkitAuthClient(federation, provider);
    await expect(client.request({})).rejects.toMatchObject({ code: "config" });
    expect(state.asked).toBe(0);
  });

  it("official hosts get the bearer from getRequestHeaders(url), and so does code that passes no url", async () => {
    const { federation } = countingFederation();
    const client = new FedkitAuthClient(federation, provider);
    for (const url of [
      "https://storage.googleapis.com/storage/v1/b",
      new URL("https://pubsub.googleapis.com/v1"),
    ]) {
      expect((await client.getRequestHeaders(url)).get("authorization")).toBe(`Bearer ${BEARER}`);
    }
    expect((await client.getRequestHeaders()).get("authorization")).toBe(`Bearer ${BEARER}`);
  });

  it("allowedOrigins opts one origin in (an emulator), and only that origin", async () => {
    const hits: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      req.resume();
      hits.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { federation } = countingFederation();
    const client = new FedkitAuthClient(federation, provider, { allowedOrigins: [origin] });
    await client.request({ url: `${origin}/storage/v1/b`, retry: false });
    expect(hits).toEqual([`Bearer ${BEARER}`]);
    expect((await client.getRequestHeaders(`${origin}/x`)).get("authorization")).toBe(`Bearer ${BEARER}`);
    await expect(client.getRequestHeaders("http://127.0.0.2:1/x")).rejects.toMatchObject({
      code: "endpoint_refused",
    });
  });

  it("adds the quota project beside the bearer (getRequestHeaders and request), and records the token", async () => {
    const { federation } = countingFederation();
    const { sent, fetchImplementation } = recordingFetch();
    const projects: Array<string | null> = [];
    const recording = (async (input: string | URL | Request, init?: RequestInit) => {
      projects.push(new Headers(init?.headers).get("x-goog-user-project"));
      return fetchImplementation(input, init);
    }) as typeof fetch;
    const client = new FedkitAuthClient(federation, provider, { quotaProjectId: "billing-project" });
    const headers = await client.getRequestHeaders("https://storage.googleapis.com/storage/v1/b");
    expect(headers.get("authorization")).toBe(`Bearer ${BEARER}`);
    expect(headers.get("x-goog-user-project")).toBe("billing-project");
    expect(client.credentials.access_token).toBe(BEARER);
    await client.request({
      url: "https://storage.googleapis.com/storage/v1/b",
      fetchImplementation: recording,
      retry: false,
    });
    expect(sent.map((s) => s.authorization)).toEqual([`Bearer ${BEARER}`]);
    expect(projects).toEqual(["billing-project"]);
  });
});
