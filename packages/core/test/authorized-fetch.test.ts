// The authorized-fetch primitive on its own (a bearer client): the shared hostile-case table, plus what only
// the primitive can be asked directly (authorize() never moves the URL, redirect errors name host and region).

import { serveLoopback } from "@fedkit/test-support/loopback";
import { describe, expect, it, vi } from "vitest";
import { authorizedFetch, FederationError, RedirectRefusedError } from "../src/provider/index.js";
import { testAuthorizedFetchHostileCases } from "../src/testing/index.js";

const BEARER = "bearer-SECRET-for-the-primitive";

function bearerClient(options: {
  fetch?: (r: Request) => Promise<Response>;
  allowedOrigins?: readonly string[];
  timeoutMs?: number;
}) {
  let asked = 0;
  const fetch = authorizedFetch({
    cloud: "test",
    officialHosts: ["*.objects.example.com"],
    refuse: (url) => (url.hostname.endsWith(".sites.objects.example.com") ? "a customer's site" : undefined),
    regionHeader: "x-amz-bucket-region",
    ...options,
    authorize: async (request) => {
      asked++;
      const headers = new Headers(request.headers);
      headers.set("authorization", `Bearer ${BEARER}`);
      return new Request(request, { headers });
    },
  });
  return { fetch, credentialRequests: () => asked };
}

testAuthorizedFetchHostileCases(
  {
    name: "authorizedFetch (bearer)",
    officialUrl: "https://eu.objects.example.com/bucket/key.txt",
    customerUrls: ["https://shop.sites.objects.example.com/"],
    secret: BEARER,
    regionHeader: "x-amz-bucket-region",
    create: bearerClient,
  },
  serveLoopback,
  { describe, it, expect },
);

describe("authorizedFetch", () => {
  it("allowedOrigins changed after clients were made: a made client keeps its list, a new one gets exactly the new list", async () => {
    const origins = ["http://127.0.0.1:4566"];
    const ok = async () => new Response("ok");
    const before = bearerClient({ allowedOrigins: origins, fetch: ok });
    expect((await before.fetch("http://127.0.0.1:4566/k")).status).toBe(200);
    origins[0] = "http://127.0.0.1:9999";
    const after = bearerClient({ allowedOrigins: origins, fetch: ok });
    // Neither client reaches the origin it was not given, and neither asks for a credential for it.
    await expect(before.fetch("http://127.0.0.1:9999/k")).rejects.toMatchObject({ code: "endpoint_refused" });
    await expect(after.fetch("http://127.0.0.1:4566/k")).rejects.toMatchObject({ code: "endpoint_refused" });
    expect(before.credentialRequests() + after.credentialRequests()).toBe(1);
    expect((await after.fetch("http://127.0.0.1:9999/k")).status).toBe(200);
  });

  it("refuses an authorize() that changes the URL it was given", async () => {
    const fetch = authorizedFetch({
      cloud: "test",
      officialHosts: ["*.objects.example.com"],
      authorize: async () => new Request("https://attacker.example/"),
      fetch: async () => new Response("ok"),
    });
    await expect(fetch("https://a.objects.example.com/k")).rejects.toMatchObject({ code: "config" });
  });

  it("authorize() returns a Request that refuses redirects, for callers who send it themselves", async () => {
    const { fetch } = bearerClient({});
    const request = await fetch.authorize(
      new Request("https://a.objects.example.com/k", { redirect: "follow" }),
    );
    expect(request.redirect).toBe("error");
    expect(request.headers.get("authorization")).toBe(`Bearer ${BEARER}`);
  });

  it("timeoutMs: Infinity waits (no 1 ms overflow timer); zero or negative is refused", async () => {
    const { fetch } = bearerClient({
      timeoutMs: Number.POSITIVE_INFINITY,
      fetch: () => new Promise((resolve) => setTimeout(() => resolve(new Response("late")), 30)),
    });
    expect(await (await fetch("https://a.objects.example.com/k")).text()).toBe("late");
    expect(() => bearerClient({ timeoutMs: 0 })).toThrow(TypeError);
  });

  it("timeoutMs: Infinity starts no timer and hands the transport the caller's own signal", async () => {
    const seen: AbortSignal[] = [];
    const { fetch } = bearerClient({
      timeoutMs: Number.POSITIVE_INFINITY,
      fetch: async (request) => {
        seen.push(request.signal);
        return new Response("ok");
      },
    });
    const timers = vi.spyOn(globalThis, "setTimeout");
    const controller = new AbortController();
    try {
      await fetch("https://a.objects.example.com/k", { signal: controller.signal });
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
    }
    controller.abort(new Error("late"));
    // The request the transport got follows the caller's signal (the Request's own signal, tied to it).
    expect(seen[0]?.aborted).toBe(true);
  });

  it("with a timeout, a caller's abort reaches the transport's signal and its listener is removed after", async () => {
    const { fetch } = bearerClient({ fetch: async () => new Response("ok"), timeoutMs: 1000 });
    const controller = new AbortController();
    const removed = vi.spyOn(controller.signal, "removeEventListener");
    await fetch("https://a.objects.example.com/k", { signal: controller.signal });
    expect(removed).toHaveBeenCalledWith("abort", expect.any(Function));
  });

  it("in Deno a request with a timeout calls no global setTimeout (Deno 2's is Node's: its first call loads Node's timers)", async () => {
    const { fetch } = bearerClient({ fetch: async () => new Response("ok"), timeoutMs: 1000 });
    vi.stubGlobal("Deno", {});
    const timers = vi.spyOn(globalThis, "setTimeout");
    try {
      expect((await fetch("https://a.objects.example.com/k")).status).toBe(200);
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it("without AbortSignal.timeout (an older runtime) the timeout falls back to setTimeout and still ends the call", async () => {
    // In Deno, where timers are otherwise timeout signals; elsewhere setTimeout is the timer anyway.
    vi.stubGlobal("Deno", {});
    const original = Object.getOwnPropertyDescriptor(AbortSignal, "timeout");
    Object.defineProperty(AbortSignal, "timeout", { value: undefined, configurable: true, writable: true });
    const timers = vi.spyOn(globalThis, "setTimeout");
    try {
      const { fetch } = bearerClient({ fetch: () => new Promise<Response>(() => {}), timeoutMs: 30 });
      await expect(fetch("https://a.objects.example.com/k")).rejects.toMatchObject({ code: "timeout" });
      expect(timers).toHaveBeenCalledWith(expect.any(Function), 30);
    } finally {
      timers.mockRestore();
      vi.unstubAllGlobals();
      if (original) Object.defineProperty(AbortSignal, "timeout", original);
    }
  });

  it("tells authorize the headers are empty only for a URL with no init headers or body (a body brings a content-type)", async () => {
    const seen: { empty: boolean; headers: [string, string][] }[] = [];
    const fetch = authorizedFetch({
      cloud: "test",
      officialHosts: ["*.objects.example.com"],
      fetch: async () => new Response("ok"),
      authorize: async (request, { headersEmpty }) => {
        seen.push({ empty: headersEmpty, headers: [...request.headers] });
        return request;
      },
    });
    const url = "https://a.objects.example.com/k";
    await fetch(url);
    await fetch(new URL(url), { method: "GET" });
    await fetch(url, { headers: { "x-custom": "1" } });
    await fetch(url, { method: "PUT", body: "text" });
    await fetch(new Request(url, { headers: { "x-custom": "2" } }));
    expect(seen.map((s) => s.empty)).toEqual([true, true, false, false, false]);
    // Whenever it says empty, the request's headers are empty indeed; the body's content-type is why a body counts.
    for (const s of seen) if (s.empty) expect(s.headers).toEqual([]);
    expect(seen[3]?.headers).toContainEqual(["content-type", "text/plain;charset=UTF-8"]);
  });

  it("a 304 is an answer, not a redirect", async () => {
    const { fetch } = bearerClient({ fetch: async () => new Response(null, { status: 304 }) });
    expect((await fetch("https://a.objects.example.com/k")).status).toBe(304);
  });

  it("a redirect error is a RedirectRefusedError whose JSON has the host and region, never the URL", async () => {
    const { fetch } = bearerClient({
      fetch: async () =>
        new Response(null, {
          status: 301,
          headers: {
            location: "https://b.objects.example.com/k?sig=abc",
            "x-amz-bucket-region": "us-west-2",
          },
        }),
    });
    const error = await fetch("https://a.objects.example.com/k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectRefusedError);
    expect(error).toBeInstanceOf(FederationError);
    const json = (error as RedirectRefusedError).toJSON();
    expect(json).toMatchObject({
      code: "bad_response",
      status: 301,
      locationHost: "b.objects.example.com",
      region: "us-west-2",
    });
    expect(JSON.stringify(json)).not.toContain("sig=abc");
    expect((error as RedirectRefusedError).hint).toContain("us-west-2");
  });

  it("a region header that is not region-shaped is not echoed", async () => {
    const { fetch } = bearerClient({
      fetch: async () => new Response(null, { status: 301, headers: { "x-amz-bucket-region": "<script>" } }),
    });
    const error = (await fetch("https://a.objects.example.com/k").catch(
      (e: unknown) => e,
    )) as RedirectRefusedError;
    expect(error.region).toBeUndefined();
  });

  it("the caller's abort is the caller's: not reported as a timeout", async () => {
    const { fetch } = bearerClient({
      fetch: (request) =>
        new Promise((_, reject) =>
          request.signal.addEventListener("abort", () => reject(request.signal.reason)),
        ),
    });
    const controller = new AbortController();
    const pending = fetch("https://a.objects.example.com/k", { signal: controller.signal });
    controller.abort(new Error("caller gave up"));
    await expect(pending).rejects.toThrow("caller gave up");
  });
  it("ends at the timeout even when the transport ignores its signal (the deadline settles the call itself)", async () => {
    // A transport that never answers and never listens: only a deadline independent of the signal can end it.
    const { fetch } = bearerClient({ fetch: () => new Promise<Response>(() => {}), timeoutMs: 50 });
    const started = Date.now();
    const error = await fetch("https://a.objects.example.com/k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationError);
    expect((error as FederationError).code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("the global fetch (looked up at call time) gets the authorized Request itself and no init: redirect manual, the deadline's signal on it", async () => {
    let authorized: Request | undefined;
    const fetch = authorizedFetch({
      cloud: "test",
      officialHosts: ["*.objects.example.com"],
      timeoutMs: 50,
      authorize: async (request) => {
        request.headers.set("authorization", `Bearer ${BEARER}`);
        authorized = request;
        return request;
      },
    });
    const seen: unknown[][] = [];
    const original = globalThis.fetch;
    // Swapped after the client was made: a client that captured fetch at creation would miss it.
    globalThis.fetch = ((...args: unknown[]) => {
      seen.push(args);
      return new Promise<Response>(() => {}); // never answers, never listens
    }) as typeof globalThis.fetch;
    try {
      const error = await fetch("https://a.objects.example.com/k", { redirect: "follow" }).catch(
        (e: unknown) => e,
      );
      expect((error as FederationError).code).toBe("timeout");
    } finally {
      globalThis.fetch = original;
    }
    // One argument: with an init, a runtime builds a second Request (Deno always does).
    expect(seen).toEqual([[authorized]]);
    const request = seen[0]?.[0] as Request;
    expect(request).toBe(authorized);
    expect(request.redirect).toBe("manual");
    expect(request.headers.get("authorization")).toBe(`Bearer ${BEARER}`);
    expect(request.url).toBe("https://a.objects.example.com/k");
    // The timeout aborted the signal the Request was built with.
    expect(request.signal.aborted).toBe(true);
  });

  it("an injected transport receives the very Request authorize() returned (no re-construction), with or without a timeout", async () => {
    for (const timeoutMs of [1000, Number.POSITIVE_INFINITY]) {
      const returned: Request[] = [];
      const received: Request[] = [];
      const fetch = authorizedFetch({
        cloud: "test",
        officialHosts: ["*.objects.example.com"],
        timeoutMs,
        authorize: async (request) => {
          const headers = new Headers(request.headers);
          headers.set("authorization", `Bearer ${BEARER}`);
          const built = new Request(request, { headers });
          returned.push(built);
          return built;
        },
        fetch: async (request) => {
          received.push(request);
          return new Response("ok");
        },
      });
      expect((await fetch("https://a.objects.example.com/k")).status).toBe(200);
      expect(received).toHaveLength(1);
      expect(received[0]).toBe(returned[0]);
    }
  });

  it("with a timeout, the sent Request's signal aborts on the caller's abort and on the timer, and only then", async () => {
    const received: Request[] = [];
    const hang = (request: Request) =>
      new Promise<Response>((_, reject) => {
        received.push(request);
        request.signal.addEventListener("abort", () => reject(request.signal.reason));
      });
    const { fetch } = bearerClient({ fetch: hang, timeoutMs: 5_000 });
    const controller = new AbortController();
    const byCaller = fetch("https://a.objects.example.com/k", { signal: controller.signal });
    byCaller.catch(() => {});
    await vi.waitFor(() => expect(received).toHaveLength(1), { interval: 1 });
    expect(received[0]?.signal.aborted).toBe(false);
    controller.abort(new Error("caller gave up"));
    await expect(byCaller).rejects.toThrow("caller gave up");
    expect(received[0]?.signal.aborted).toBe(true);

    const byTimer = bearerClient({ fetch: hang, timeoutMs: 40 }).fetch(
      new Request("https://a.objects.example.com/k"),
    );
    await expect(byTimer).rejects.toMatchObject({ code: "timeout" });
    expect(received[1]?.signal.aborted).toBe(true);
    expect(received[1]?.signal.reason).toMatchObject({ code: "timeout" });
  });
});
