import { getEventListeners } from "node:events";
import { FederationError } from "@fedkit/core";
import {
  createExchangeContext,
  DEFAULT_RETRY_POLICY,
  type HttpRequest,
  RedirectRefusedError,
} from "@fedkit/core/provider";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loopback } from "./helpers.js";

/** STS-like host patterns: core checks any table; the real ones are @fedkit/aws's. */
const STS_HOSTS = ["sts.amazonaws.com", "sts.*.amazonaws.com"];

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(handler: Parameters<typeof loopback>[0]) {
  const s = await loopback(handler);
  servers.push(s);
  return s;
}

function request(origin: string, extra: Partial<HttpRequest> = {}): HttpRequest {
  return {
    url: `${origin}/token`,
    method: "POST",
    body: "grant_type=x",
    operation: "test:Exchange",
    endpoint: { cloud: "aws", officialHosts: STS_HOSTS, allowedOrigins: [origin] },
    ...extra,
  };
}

const fast = { baseDelayMs: 1, maxDelayMs: 5 };

describe("ctx.send timers", () => {
  const okFetch = async () => new Response("ok");

  it("in Deno a successful exchange calls no global setTimeout (Deno 2's is Node's: its first call loads Node's timers)", async () => {
    // An injected transport: Node's own fetch (undici) sets timers of its own; what is checked is fedkit's code.
    vi.stubGlobal("Deno", {});
    const timers = vi.spyOn(globalThis, "setTimeout");
    try {
      const ctx = createExchangeContext({ fetch: okFetch, retry: { attemptTimeoutMs: 1000 } });
      const res = await ctx.send(request("https://sts.amazonaws.com"));
      expect(res.text).toBe("ok");
      expect(timers).not.toHaveBeenCalled();
    } finally {
      timers.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it("elsewhere a successful exchange makes no timeout signal (~10 µs each on Node) and clears every timer it set", async () => {
    const signals = vi.spyOn(AbortSignal, "timeout");
    const set = vi.spyOn(globalThis, "setTimeout");
    const cleared = vi.spyOn(globalThis, "clearTimeout");
    try {
      const ctx = createExchangeContext({ fetch: okFetch, signal: new AbortController().signal });
      const res = await ctx.send(request("https://sts.amazonaws.com"));
      expect(res.text).toBe("ok");
      expect(signals).not.toHaveBeenCalled();
      // The attempt's timer (until the headers) and the body's (until the deadline), both cancelled.
      expect(set).toHaveBeenCalledTimes(2);
      expect(cleared.mock.calls.map(([t]) => t)).toEqual(set.mock.results.map((r) => r.value));
    } finally {
      signals.mockRestore();
      set.mockRestore();
      cleared.mockRestore();
    }
  });

  it("ctx.signal is the deadline, made when a provider asks for it", async () => {
    const ctx = createExchangeContext({ fetch: okFetch, retry: { deadlineMs: 50 } });
    expect(ctx.signal).toBe(ctx.signal);
    expect(ctx.signal.aborted).toBe(false);
    await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
    expect(ctx.signal.aborted).toBe(true);
  });

  it("in Deno ctx.signal is the runtime's own timeout signal, which holds the process only while listened to", async () => {
    // A controller aborted by a listening timer kept a `deno run` script alive until the deadline (8 s by default)
    // after its work was done; AbortSignal.timeout's timer holds Deno only while a fetch listens to it.
    vi.stubGlobal("Deno", {});
    const timeout = vi.spyOn(AbortSignal, "timeout");
    try {
      const ctx = createExchangeContext({ fetch: okFetch, retry: { deadlineMs: 40 } });
      const signal = ctx.signal;
      expect(timeout).toHaveBeenCalledTimes(1);
      expect(signal).toBe(timeout.mock.results[0]?.value);
      await new Promise((resolve) => signal.addEventListener("abort", resolve));
      expect((signal.reason as DOMException).name).toBe("TimeoutError");
      const caller = new AbortController();
      const joined = createExchangeContext({ fetch: okFetch, signal: caller.signal }).signal;
      caller.abort("stop");
      expect(joined.reason).toBe("stop");
    } finally {
      timeout.mockRestore();
      vi.unstubAllGlobals();
    }
  });

  it("ctx.signal also aborts with the caller, with the caller's reason", () => {
    const caller = new AbortController();
    const ctx = createExchangeContext({ fetch: okFetch, signal: caller.signal });
    caller.abort("stop");
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.signal.reason).toBe("stop");
  });

  // Vercel's Edge Runtime 4.0.1 has no AbortSignal.any: ctx.signal must not need it.
  describe.each([
    ["AbortSignal.any", false],
    ["without AbortSignal.any", true],
  ])("ctx.signal, %s", (_, removeAny) => {
    const setup = () => {
      if (removeAny)
        vi.stubGlobal("AbortSignal", Object.assign(Object.create(AbortSignal), { any: undefined }));
    };
    afterEach(() => vi.unstubAllGlobals());

    it("aborts with whichever comes first: the caller (its reason), and only once", () => {
      setup();
      const caller = new AbortController();
      const ctx = createExchangeContext({
        fetch: okFetch,
        signal: caller.signal,
        retry: { deadlineMs: 60_000 },
      });
      const signal = ctx.signal;
      expect(signal.aborted).toBe(false);
      caller.abort(new Error("caller went first"));
      expect(signal.aborted).toBe(true);
      expect((signal.reason as Error).message).toBe("caller went first");
    });

    it("or the deadline, with a TimeoutError, the caller's signal still live", async () => {
      setup();
      const caller = new AbortController();
      const ctx = createExchangeContext({ fetch: okFetch, signal: caller.signal, retry: { deadlineMs: 30 } });
      await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
      expect((ctx.signal.reason as DOMException).name).toBe("TimeoutError");
      caller.abort(new Error("later"));
      expect((ctx.signal.reason as DOMException).name).toBe("TimeoutError");
    });

    it("is already aborted when the caller already is", () => {
      setup();
      const caller = new AbortController();
      caller.abort(new Error("gone"));
      const ctx = createExchangeContext({ fetch: okFetch, signal: caller.signal });
      expect(ctx.signal.aborted).toBe(true);
      expect((ctx.signal.reason as Error).message).toBe("gone");
    });
  });
});

describe("ctx.signal and a caller's signal reused for many exchanges", () => {
  it("leaves no listener on the caller's signal where AbortSignal.any exists, and still follows its abort", () => {
    const caller = new AbortController();
    const okFetch = async () => new Response("ok");
    const signals = Array.from({ length: 20 }, () => {
      const ctx = createExchangeContext({
        fetch: okFetch,
        signal: caller.signal,
        retry: { deadlineMs: 60_000 },
      });
      return ctx.signal;
    });
    // A listener per exchange would pile up on a long-lived signal (and warn past 10 in Node).
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);
    caller.abort(new Error("shutdown"));
    expect(signals.every((signal) => signal.aborted && (signal.reason as Error).message === "shutdown")).toBe(
      true,
    );
  });
});

describe("the exchange context object", () => {
  it("send works taken off the context; attempts counts its attempts; signal is made once, on first read", async () => {
    const s = await server((_req, res) => res.writeHead(s.requests.length < 2 ? 503 : 200).end("ok"));
    const ctx = createExchangeContext({ retry: fast });
    const { send } = ctx;
    expect(ctx.attempts).toBe(0);
    expect((await send(request(s.origin))).status).toBe(200);
    expect(ctx.attempts).toBe(2);
    await send(request(s.origin));
    expect(ctx.attempts).toBe(3);
    // signal and attempts are getters of the context's class: a copy of the context takes neither, and copying it
    // makes no deadline signal (they were own properties of an object literal, ~1.5 µs to create on Node).
    expect(Object.keys(ctx).sort()).toEqual(["correlationId", "now", "random", "send"]);
    expect("signal" in { ...ctx }).toBe(false);
    const signal = ctx.signal;
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(ctx.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
  });
});

describe("ctx.send endpoint check", () => {
  it("checks every request under its own rule: only the parse of a repeated endpoint is kept, never a verdict", async () => {
    const a = await server((_req, res) => res.writeHead(200).end("a"));
    const b = await server((_req, res) => res.writeHead(200).end("b"));
    const send = (extra: Partial<HttpRequest>, origin = a.origin) =>
      createExchangeContext({ retry: fast }).send(request(origin, extra));
    expect((await send({})).text).toBe("a");
    // The same endpoint text again, under a rule without the opt-in: refused, nothing sent.
    const refused = await send({ endpoint: { cloud: "aws", officialHosts: STS_HOSTS } }).catch((e) => e);
    expect(refused).toBeInstanceOf(FederationError);
    expect((refused as FederationError).code).toBe("endpoint_refused");
    expect(a.requests).toHaveLength(1);
    // Opted in again, then another endpoint: each request goes where its own text says.
    expect((await send({})).text).toBe("a");
    expect((await send({}, b.origin)).text).toBe("b");
    expect((await send({ url: `${b.origin}/other` }, b.origin)).text).toBe("b");
    expect(b.requests.map((r) => r.url)).toEqual(["/token", "/other"]);
    expect(a.requests).toHaveLength(2);
  });
});

describe("ctx.send retry classes", () => {
  it("retries 5xx and resolves with the later success", async () => {
    const s = await server((_req, res) => {
      res.writeHead(s.requests.length < 3 ? 503 : 200).end("ok");
    });
    const res = await createExchangeContext({ retry: fast }).send(request(s.origin));
    expect(res.status).toBe(200);
    expect(res.attempts).toBe(3);
    expect(s.requests).toHaveLength(3);
  });

  it("resolves with the last 5xx answer when attempts run out, so the provider maps it", async () => {
    const s = await server((_req, res) => res.writeHead(500).end("boom"));
    const ctx = createExchangeContext({ retry: { ...fast, maxAttempts: 2 } });
    const res = await ctx.send(request(s.origin));
    expect(res.status).toBe(500);
    expect(res.text).toBe("boom");
    expect(ctx.attempts).toBe(2);
  });

  it("retries 429 and honours Retry-After", async () => {
    const s = await server((_req, res) => {
      if (s.requests.length === 1) res.writeHead(429, { "retry-after": "1" }).end();
      else res.writeHead(200).end("ok");
    });
    const started = performance.now();
    const res = await createExchangeContext({ retry: fast }).send(request(s.origin));
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("returns a 429 whose Retry-After is beyond the deadline instead of retrying early", async () => {
    const s = await server((_req, res) => res.writeHead(429, { "retry-after": "120" }).end());
    const res = await createExchangeContext({ retry: fast }).send(request(s.origin));
    expect(res.status).toBe(429);
    expect(s.requests).toHaveLength(1);
  });

  it("retries answers the provider marks transient", async () => {
    const s = await server((_req, res) => {
      res.writeHead(400).end(s.requests.length === 1 ? "IDPCommunicationError" : "InvalidIdentityToken");
    });
    const res = await createExchangeContext({ retry: fast }).send(
      request(s.origin, { isTransient: (r) => r.text.includes("IDPCommunicationError") }),
    );
    expect(res.text).toBe("InvalidIdentityToken");
    expect(s.requests).toHaveLength(2);
  });

  it.each([400, 401, 403, 404])("never retries a terminal %i", async (status) => {
    const s = await server((_req, res) => res.writeHead(status).end("no"));
    const res = await createExchangeContext({ retry: fast }).send(request(s.origin));
    expect(res.status).toBe(status);
    expect(s.requests).toHaveLength(1);
  });

  it("retries network errors, then rejects with network and the attempt count", async () => {
    const s = await server((req) => req.socket.destroy());
    const error = await createExchangeContext({ retry: fast })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FederationError);
    expect((error as FederationError).code).toBe("network");
    expect((error as FederationError).attempts).toBe(3);
    expect((error as FederationError).retryable).toBe(true);
    expect(s.requests).toHaveLength(3);
  });

  it("times out a slow attempt and retries it", async () => {
    const s = await server((_req, res) => {
      if (s.requests.length === 1) setTimeout(() => res.writeHead(200).end("late"), 1000);
      else res.writeHead(200).end("ok");
    });
    const res = await createExchangeContext({ retry: { ...fast, attemptTimeoutMs: 100 } }).send(
      request(s.origin),
    );
    expect(res.text).toBe("ok");
    expect(res.attempts).toBe(2);
  });

  it("by default waits for a slow answer within the deadline: one request, not one per attempt", async () => {
    // A slow cloud (scaled down: answers in 400 ms against a 1 s deadline, where the old 3-of-8 s ratio timed out).
    const s = await server((_req, res) => setTimeout(() => res.writeHead(200).end("slow but sure"), 400));
    const res = await createExchangeContext({ retry: { ...fast, deadlineMs: 1000 } }).send(request(s.origin));
    expect(res.text).toBe("slow but sure");
    expect(s.requests).toHaveLength(1);
    // The default attempt timeout is the deadline itself: the 4 s STS is asked once and answers within 8 s.
    expect(DEFAULT_RETRY_POLICY.attemptTimeoutMs).toBe(DEFAULT_RETRY_POLICY.deadlineMs);
  });

  it("the attempt timeout stops at the headers: a body still arriving is not aborted to ask again", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part-1;");
      setTimeout(() => res.end("part-2"), 300);
    });
    const res = await createExchangeContext({
      retry: { ...fast, attemptTimeoutMs: 100, deadlineMs: 2000 },
    }).send(request(s.origin));
    expect(res.text).toBe("part-1;part-2");
    expect(s.requests).toHaveLength(1);
  });

  it("rejects with timeout at the overall deadline, however many attempts are left", async () => {
    const s = await server((_req, res) => setTimeout(() => res.writeHead(200).end("late"), 2000));
    const started = performance.now();
    const error = await createExchangeContext({
      retry: { ...fast, maxAttempts: 10, attemptTimeoutMs: 1000, deadlineMs: 300 },
    })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("timeout");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("ends each attempt at its timeout even when the fetch ignores its signal, then at the deadline", async () => {
    // A transport that never answers and never listens: only a timer that settles the call itself can end it.
    let calls = 0;
    const started = performance.now();
    const error = await createExchangeContext({
      retry: { ...fast, maxAttempts: 2, attemptTimeoutMs: 50, deadlineMs: 5000 },
      fetch: () => {
        calls++;
        return new Promise<Response>(() => {});
      },
    })
      .send(request("https://sts.amazonaws.com", { url: "https://sts.amazonaws.com/" }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", attempts: 2, retryable: true });
    expect(calls).toBe(2);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("rejects with aborted when the caller aborts", async () => {
    const s = await server((_req, res) => setTimeout(() => res.writeHead(200).end("late"), 2000));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await createExchangeContext({ signal: controller.signal })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("aborted");
  });
});

describe("ctx.send deadline and caller abort, through the default fetch", () => {
  /** A server that sends headers and a first chunk, then stalls; resolves `closed` when the client hangs up. */
  async function stallingBody() {
    let hungUp: () => void = () => {};
    const closed = new Promise<void>((resolve) => {
      hungUp = resolve;
    });
    const s = await server((_req, res) => {
      res.on("close", () => hungUp());
      res.writeHead(200, { "content-type": "text/xml" });
      res.write("<partial>");
    });
    return { s, closed };
  }

  it("a hung request (no headers) ends at the deadline and is aborted, not left open", async () => {
    let hungUp = false;
    const s = await server((_req, res) => {
      res.on("close", () => {
        hungUp = true;
      });
    });
    const started = performance.now();
    const error = await createExchangeContext({ retry: { ...fast, deadlineMs: 300 } })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", attempts: 1, retryable: true });
    expect((error as FederationError).message).toContain("overall deadline");
    expect(performance.now() - started).toBeLessThan(1500);
    await vi.waitFor(() => expect(hungUp).toBe(true));
    expect(s.requests).toHaveLength(1);
  });

  it("a body that stalls after its headers ends at the overall deadline, and the request is aborted", async () => {
    const { s, closed } = await stallingBody();
    const started = performance.now();
    const error = await createExchangeContext({ retry: { ...fast, attemptTimeoutMs: 100, deadlineMs: 400 } })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", attempts: 1, retryable: true });
    expect((error as FederationError).message).toContain("overall deadline");
    expect(performance.now() - started).toBeGreaterThanOrEqual(350);
    expect(performance.now() - started).toBeLessThan(1500);
    await closed;
    expect(s.requests).toHaveLength(1);
  });

  it("a caller's abort during the body aborts the request with the caller's reason", async () => {
    const { s, closed } = await stallingBody();
    const caller = new AbortController();
    // The abort comes once the answer's headers are in: the body read, not the attempt, must hear it.
    let headers: () => void = () => {};
    const answered = new Promise<void>((resolve) => {
      headers = resolve;
    });
    const ctx = createExchangeContext({
      signal: caller.signal,
      fetch: async (input, init) => {
        const res = await fetch(input, init);
        headers();
        return res;
      },
    });
    const pending = ctx.send(request(s.origin)).catch((e: unknown) => e);
    await answered;
    // A macrotask later the attempt has its answer and the body read is under way.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const aborted = performance.now();
    caller.abort("user left");
    const error = await pending;
    expect(performance.now() - aborted).toBeLessThan(1000);
    expect(error).toMatchObject({ code: "aborted", attempts: 1 });
    expect((error as FederationError).cause).toBe("user left");
    await closed;
  });

  it("a caller's abort before the headers aborts with the caller's reason", async () => {
    const s = await server(() => {});
    const caller = new AbortController();
    const pending = createExchangeContext({ signal: caller.signal })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    await vi.waitFor(() => expect(s.requests).toHaveLength(1));
    caller.abort("user left");
    const error = await pending;
    expect(error).toMatchObject({ code: "aborted", attempts: 1 });
    expect((error as FederationError).cause).toBe("user left");
  });

  it("an injected transport whose body ignores the signal still ends at the deadline", async () => {
    const never = new ReadableStream<Uint8Array>({
      start: (c) => c.enqueue(new TextEncoder().encode("<partial>")),
    });
    const error = await createExchangeContext({
      retry: { ...fast, deadlineMs: 200 },
      fetch: async () => new Response(never),
    })
      .send(request("https://sts.amazonaws.com", { url: "https://sts.amazonaws.com/" }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", attempts: 1 });
    expect((error as FederationError).message).toContain("overall deadline");
  });

  it("a deadline beyond what timers can count (2^31 ms) is no deadline: a body in two parts is read whole", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("part-1;");
      setTimeout(() => res.end("part-2"), 50);
    });
    const ctx = createExchangeContext({ retry: { deadlineMs: 2 ** 32, attemptTimeoutMs: 2 ** 32 } });
    const res = await ctx.send(request(s.origin));
    expect(res.text).toBe("part-1;part-2");
    expect(ctx.signal.aborted).toBe(false);
  });

  it("a retry pause that would end past the deadline is not taken: the exchange stops at once", async () => {
    const s = await server((req) => req.socket.destroy());
    const started = performance.now();
    const error = await createExchangeContext({
      retry: { baseDelayMs: 5_000, maxDelayMs: 5_000, deadlineMs: 2_000, maxAttempts: 3 },
      random: (bytes) => bytes.fill(255),
    })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    // Not a 2 s wait for the deadline (nor a 5 s pause): the deadline is named at once, with the network cause.
    expect(performance.now() - started).toBeLessThan(1500);
    expect(s.requests).toHaveLength(1);
    expect(error).toMatchObject({ code: "timeout", attempts: 1 });
    expect((error as FederationError).cause).toMatchObject({ code: "network" });
  });
});

describe("ctx.send endpoint safety", () => {
  it("refuses a host outside the official set without sending anything", async () => {
    let sent = 0;
    const ctx = createExchangeContext({
      fetch: async () => {
        sent++;
        return new Response("ok");
      },
    });
    const error = await ctx
      .send({
        ...request("https://sts.amazonaws.com"),
        url: "https://sts.amazonaws.com.evil.example/",
        endpoint: { cloud: "aws", officialHosts: STS_HOSTS },
      })
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("endpoint_refused");
    expect(sent).toBe(0);
  });

  it("refuses a loopback origin that was not opted into", async () => {
    const s = await server((_req, res) => res.writeHead(200).end("ok"));
    const error = await createExchangeContext()
      .send({ ...request(s.origin), endpoint: { cloud: "aws", officialHosts: STS_HOSTS } })
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("endpoint_refused");
    expect((error as FederationError).hint).toContain(s.origin);
    expect(s.requests).toHaveLength(0);
  });

  it.each([301, 302, 303, 307, 308])(
    "a %i from the token endpoint is refused, naming status and Location host; nothing reaches the Location",
    async (status) => {
      const target = await server((_req, res) => res.writeHead(200).end("stolen"));
      const s = await server((_req, res) =>
        res.writeHead(status, { location: `${target.origin}/steal?token=in-query` }).end(),
      );
      let redirectMode: RequestRedirect | undefined;
      const error = await createExchangeContext({
        retry: fast,
        fetch: (input, init) => {
          redirectMode = init.redirect;
          return fetch(input, init);
        },
      })
        .send(request(s.origin))
        .catch((e: unknown) => e);
      // "manual", which workerd accepts (it refuses "error"): the 3xx comes back and core refuses it itself.
      expect(redirectMode).toBe("manual");
      expect(error).toBeInstanceOf(RedirectRefusedError);
      expect(error).toMatchObject({
        code: "bad_response",
        provider: "aws",
        status,
        attempts: 1,
        locationHost: new URL(target.origin).host,
      });
      expect(JSON.stringify(error)).not.toContain("in-query");
      expect(s.requests).toHaveLength(1);
      expect(target.requests).toHaveLength(0);
    },
  );

  it("the default fetch (no injected transport) refuses a 302 the same way", async () => {
    const target = await server((_req, res) => res.writeHead(200).end("stolen"));
    const s = await server((_req, res) => res.writeHead(302, { location: `${target.origin}/steal` }).end());
    const error = await createExchangeContext({ retry: fast })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedirectRefusedError);
    expect((error as RedirectRefusedError).status).toBe(302);
    expect(target.requests).toHaveLength(0);
  });

  it("refuses a 3xx handed back by any fetch, and an answer a fetch followed on its own", async () => {
    let calls = 0;
    const error = await createExchangeContext({
      fetch: async () => {
        calls++;
        return new Response(null, { status: 307, headers: { location: "https://evil.example/" } });
      },
    })
      .send(request("https://sts.amazonaws.com", { url: "https://sts.amazonaws.com/" }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "bad_response", status: 307, locationHost: "evil.example" });
    expect(calls).toBe(1);
    const followed = new Response("from elsewhere");
    Object.defineProperty(followed, "redirected", { value: true });
    const again = await createExchangeContext({ fetch: async () => followed })
      .send(request("https://sts.amazonaws.com", { url: "https://sts.amazonaws.com/" }))
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(RedirectRefusedError);
  });

  it("hands a 304 to the provider as an answer: it is not a redirect", async () => {
    const res = await createExchangeContext({ fetch: async () => new Response(null, { status: 304 }) }).send(
      request("https://sts.amazonaws.com", { url: "https://sts.amazonaws.com/" }),
    );
    expect(res.status).toBe(304);
  });

  it("decodes an answer that arrives in chunks, with a character split across two of them", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { "content-type": "text/xml" });
      res.write(Buffer.from([0x3c, 0x61, 0x3e, 0xc3]));
      setTimeout(() => res.end(Buffer.from([0xa9, 0x3c, 0x2f, 0x61, 0x3e])), 30);
    });
    const res = await createExchangeContext().send(request(s.origin));
    expect(res.text).toBe("<a>é</a>");
  });

  it("caps the response body, also without a content-length", async () => {
    const s = await server((_req, res) => {
      res.writeHead(200, { "transfer-encoding": "chunked" });
      for (let i = 0; i < 64; i++) res.write("x".repeat(1024));
      res.end();
    });
    const error = await createExchangeContext({ retry: { ...fast, maxResponseBytes: 4096 } })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("bad_response");
    expect((error as FederationError).message).toContain("4096");
    expect(s.requests).toHaveLength(1);
  });

  it("refuses a declared oversized body before reading it", async () => {
    const s = await server((_req, res) =>
      res.writeHead(200, { "content-length": "100000" }).end("y".repeat(100000)),
    );
    const error = await createExchangeContext({ retry: { maxResponseBytes: 1000 } })
      .send(request(s.origin))
      .catch((e: unknown) => e);
    expect((error as FederationError).code).toBe("bad_response");
  });
});
