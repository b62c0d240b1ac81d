// authorizedSender: authorizedFetch's rules with the authorize hook given per call, so that clients made per request
// (awsFetch under withFedkit) share one sender. Every hostile case authorizedFetch refuses is refused through a
// sender too, and each call is authorized by its own hook only, also when calls of different hooks interleave.
import { serveLoopback } from "@fedkit/test-support/loopback";
import { describe, expect, it } from "vitest";
import { type Authorize, authorizedSender } from "../src/provider/index.js";
import { testAuthorizedFetchHostileCases } from "../src/testing/index.js";

const BEARER = "bearer-SECRET-of-the-sender";

const bearer =
  (token: string, asked: { count: number }): Authorize =>
  async (request) => {
    asked.count++;
    request.headers.set("authorization", `Bearer ${token}`);
    return request;
  };

const senderOptions = {
  cloud: "test",
  officialHosts: ["*.objects.example.com"],
  refuse: (url: URL) =>
    url.hostname.endsWith(".sites.objects.example.com") ? "a customer's site" : undefined,
  regionHeader: "x-amz-bucket-region",
};

testAuthorizedFetchHostileCases(
  {
    name: "authorizedSender (a bearer hook per call)",
    officialUrl: "https://eu.objects.example.com/bucket/key.txt",
    customerUrls: ["https://shop.sites.objects.example.com/"],
    secret: BEARER,
    regionHeader: "x-amz-bucket-region",
    create(options) {
      const sender = authorizedSender({ ...senderOptions, ...options });
      const asked = { count: 0 };
      const fetch = Object.assign(
        (input: string | URL | Request, init?: RequestInit) => sender(input, init, bearer(BEARER, asked)),
        {
          authorize: (input: string | URL | Request, init?: RequestInit) =>
            sender.authorize(input, init, bearer(BEARER, asked)),
        },
      );
      return { fetch, credentialRequests: () => asked.count };
    },
  },
  serveLoopback,
  { describe, it, expect },
);

describe("authorizedSender", () => {
  it("authorizes each call with that call's own hook, calls of two hooks interleaved on one sender", async () => {
    const sent: Request[] = [];
    const sender = authorizedSender({
      ...senderOptions,
      fetch: async (request) => {
        // Answers out of order: the later call settles first.
        await new Promise((resolve) => setTimeout(resolve, request.url.endsWith("/a") ? 20 : 0));
        sent.push(request);
        return new Response("ok");
      },
    });
    const alice = { count: 0 };
    const bob = { count: 0 };
    await Promise.all([
      sender("https://eu.objects.example.com/b/a", undefined, bearer("token-of-alice", alice)),
      sender("https://eu.objects.example.com/b/b", undefined, bearer("token-of-bob", bob)),
      sender
        .authorize("https://eu.objects.example.com/b/c", undefined, bearer("token-of-bob", bob))
        .then((r) => {
          sent.push(r);
        }),
    ]);
    expect(sent.map((r) => `${new URL(r.url).pathname} ${r.headers.get("authorization")}`).sort()).toEqual([
      "/b/a Bearer token-of-alice",
      "/b/b Bearer token-of-bob",
      "/b/c Bearer token-of-bob",
    ]);
    expect([alice.count, bob.count]).toEqual([1, 2]);
  });

  it("a refused host never reaches the call's hook, whichever hook it is", async () => {
    const sender = authorizedSender({ ...senderOptions, fetch: async () => new Response("ok") });
    const asked = { count: 0 };
    for (const url of ["https://shop.sites.objects.example.com/k", "https://evil.example.net/k"]) {
      await expect(sender(url, undefined, bearer("token", asked))).rejects.toMatchObject({
        code: "endpoint_refused",
      });
      await expect(sender.authorize(url, undefined, bearer("token", asked))).rejects.toMatchObject({
        code: "endpoint_refused",
      });
    }
    expect(asked.count).toBe(0);
  });

  it("checks its options once, when made: a bad timeout is refused before any call", () => {
    expect(() => authorizedSender({ ...senderOptions, timeoutMs: 0 })).toThrow(TypeError);
  });
});
