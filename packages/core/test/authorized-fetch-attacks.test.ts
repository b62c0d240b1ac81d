// Attacks on the authorized fetch that the shared hostile-case table does not try: inputs whose URL as read by the
// check differs from the URL the runtime sends to.

import { describe, expect, it } from "vitest";
import { authorizedFetch, checkEndpoint, FederationError } from "../src/provider/index.js";

const BEARER = "bearer-SECRET-attacks";

function client() {
  const sent: string[] = [];
  let asked = 0;
  const fetch = authorizedFetch({
    cloud: "test",
    officialHosts: ["*.objects.example.com"],
    authorize: async (request) => {
      asked++;
      request.headers.set("authorization", `Bearer ${BEARER}`);
      return request;
    },
    fetch: async (request) => {
      sent.push(request.url);
      return new Response("ok");
    },
  });
  return { fetch, sent, asked: () => asked };
}

describe("authorizedFetch: the URL checked is the URL sent", () => {
  it("a Request subclass whose url getter names an official host while the Request targets another is refused", async () => {
    class Lying extends Request {
      override get url(): string {
        return "https://eu.objects.example.com/k";
      }
    }
    const { fetch, sent, asked } = client();
    const request = new Lying("https://attacker.example/k");
    await expect(fetch(request)).rejects.toMatchObject({ code: "endpoint_refused" });
    await expect(fetch.authorize(request)).rejects.toMatchObject({ code: "endpoint_refused" });
    expect(sent).toEqual([]);
    expect(asked()).toBe(0);
  });

  it("an object that passes instanceof Request with an own url but stringifies to another host is refused", async () => {
    const fake = Object.create(Request.prototype) as Request;
    Object.defineProperty(fake, "url", { value: "https://eu.objects.example.com/k" });
    Object.defineProperty(fake, "toString", { value: () => "https://attacker.example/k" });
    const { fetch, sent, asked } = client();
    // With an init signal the fake's own (brand-checked) signal getter is never read.
    const init = { signal: new AbortController().signal };
    // Node's Request constructor reads the fake's missing internal state and throws; another runtime may stringify
    // it instead: either way nothing is authorized or sent.
    await expect(fetch(fake, init)).rejects.toThrow();
    await expect(fetch.authorize(fake, init)).rejects.toThrow();
    expect(sent).toEqual([]);
    expect(asked()).toBe(0);
  });
});

describe("allowedOrigins: an entry without an origin opts nothing in", () => {
  // `new URL("localhost:4566")` is the scheme `localhost:` with an opaque ("null") origin, as is every URL of a
  // scheme that is not special: a missing "http://" must not opt in every such URL.
  it.each(["localhost:4566", "file:///tmp/emulator", "data:,x"])(
    "with %s allowed, URLs with an opaque origin are still refused",
    async (entry) => {
      const sent: string[] = [];
      const fetch = authorizedFetch({
        cloud: "test",
        officialHosts: ["*.objects.example.com"],
        allowedOrigins: [entry],
        authorize: async (request) => request,
        fetch: async (request) => {
          sent.push(request.url);
          return new Response("ok");
        },
      });
      for (const url of ["localhost:4566/k", "foo://attacker.example/k", "file:///etc/passwd"]) {
        await expect(fetch(url)).rejects.toMatchObject({ code: "endpoint_refused" });
        expect(() =>
          checkEndpoint(url, { cloud: "test", officialHosts: [], allowedOrigins: [entry] }),
        ).toThrow(FederationError);
      }
      expect(sent).toEqual([]);
    },
  );
});
