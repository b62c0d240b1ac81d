/**
 * The hostile-case table every authorized cloud client (`awsFetch`, `gcpFetch`, `azureFetch`, ...) runs
 * through: one list of attacks, the same assertions for each client, so the clients cannot drift apart again.
 *
 * @packageDocumentation
 */

import { isLoopbackOrigin } from "../endpoints.js";
import { FederationError } from "../errors.js";
import type { TestApi } from "./api.js";

/** A client created for one hostile case. @public */
export interface ClientUnderTest {
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** How many times the client asked its credential provider so far. */
  credentialRequests(): number;
}

/** How the table creates and inspects one client. @public */
export interface HostileFetchSubject {
  readonly name: string;
  /** An https URL on a host this client sends to by default (`https://acct.blob.core.windows.net/c/b.txt`). */
  readonly officialUrl: string;
  /** URLs on hosts customers control under the cloud's official wildcards; each must be refused. */
  readonly customerUrls: readonly string[];
  /** The credential value that must never reach a refused or redirect target (a bearer, a session token). */
  readonly secret: string;
  /** The answer header the client reads a region from (`x-amz-bucket-region`), if it has one. */
  readonly regionHeader?: string;
  create(options: {
    fetch?: (request: Request) => Promise<Response>;
    allowedOrigins?: readonly string[];
    timeoutMs?: number;
  }): ClientUnderTest;
}

/** A loopback server the test starts (the suite itself is runtime-neutral and starts none). @public */
export interface LoopbackServer {
  readonly origin: string;
  /** Requests received so far: path and the raw header values. */
  readonly requests: ReadonlyArray<{ url: string; method: string; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** Starts a loopback server answering every request with `reply`. @public */
export type ServeLoopback = (
  reply: (path: string) => { status: number; headers?: Record<string, string> },
) => Promise<LoopbackServer>;

const REDIRECTS = [301, 302, 303, 307, 308] as const;

/** URLs built from an official host that must be refused before any credential is asked for. */
function trickUrls(official: URL): Array<[string, string]> {
  const host = official.hostname;
  const path = `${official.pathname}${official.search}`;
  return [
    ["a foreign host", `https://attacker.example${path}`],
    ["the official name as a prefix", `https://${host}.attacker.example${path}`],
    ["uppercase, as a prefix", `HTTPS://${host.toUpperCase()}.ATTACKER.EXAMPLE${path}`],
    ["a fullwidth dot (IDN) before a foreign host", `https://${host}\uff0eattacker.example${path}`],
    ["the official name as user info", `https://${host}@attacker.example${path}`],
    ["a backslash before user info", `https://attacker.example\\@${host}${path}`],
    ["user info", `https://user:pw@${host}${path}`],
    ["a non-default port", `https://${host}:8443${path}`],
    ["http", `http://${host}${path}`],
    ["an IPv4 literal (metadata service)", "https://169.254.169.254/latest/meta-data/"],
    ["an IPv6 literal", "https://[::1]/"],
    ["a foreign host with a trailing dot", `https://attacker.example.${path}`],
  ];
}

const DOT_SEGMENT_SUFFIXES = ["/a/../b", "/a/./b", "/a/%2e%2E/b", "/a/.%2e/b", "/a\\..\\b", "/a/.\t./b"];

/**
 * Registers the hostile-case table for one client: redirects (string, `URL` and `Request` input, every
 * redirect status, with and without a body, whatever `redirect` the caller asked for) reach nobody and become
 * typed errors; customer-controlled hosts, user info, ports, http, IP literals, trailing dots, uppercase and
 * IDN tricks are refused before a credential is asked for; dot segments in string input are refused; a
 * `Request`'s own method and body are what is sent; error bodies are capped and silent endpoints time out.
 *
 * @example
 * ```ts
 * import { describe, it, expect } from "vitest";
 * declare const myClient: ClientUnderTest["create"]; // the client under test
 * testAuthorizedFetchHostileCases(
 *   {
 *     name: "azureFetch",
 *     officialUrl: "https://acct.blob.core.windows.net/c/b.txt",
 *     customerUrls: ["https://vm.westeurope.cloudapp.azure.com/"],
 *     secret: "the-bearer",
 *     create: (options) => myClient(options), // { fetch(input, init), credentialRequests() }
 *   },
 *   serveLoopback, // starts a loopback server: ServeLoopback
 *   { describe, it, expect },
 * );
 * ```
 * @public
 */
export function testAuthorizedFetchHostileCases(
  subject: HostileFetchSubject,
  serve: ServeLoopback,
  { describe, it, expect }: TestApi,
): void {
  const official = new URL(subject.officialUrl);
  const recorder = () => {
    const sent: Request[] = [];
    const fetch = async (request: Request) => {
      sent.push(request);
      return new Response("ok");
    };
    return { sent, fetch };
  };
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );
  const expectRefused = async (client: ClientUnderTest, input: string | URL | Request, code: string) => {
    const error = await failure(client.fetch(input));
    expect(error instanceof FederationError).toBe(true);
    expect((error as FederationError).code).toBe(code);
    expect(JSON.stringify(error) + String(error)).not.toContain(subject.secret);
    // A refused remote host may come from whoever built the URL: its hint never offers the line that would trust
    // it. Only an origin on this machine (an emulator) is given its opt-in.
    const href = input instanceof Request ? input.url : String(input);
    if (!isLoopbackOrigin(href)) {
      expect((error as FederationError).hint ?? "").not.toMatch(/allowedOrigins|allowCustomEndpoint/);
    }
  };

  describe(`authorized fetch hostile cases: ${subject.name}`, () => {
    for (const kind of ["string", "URL", "Request"] as const) {
      for (const status of REDIRECTS) {
        it(`a ${status} answer to ${kind} input (GET and PUT with a body) reaches no second host`, async () => {
          const target = await serve(() => ({ status: 200 }));
          const origin = await serve(() => ({
            status,
            headers: {
              location: `${target.origin}/collect?X-Amz-Signature=secret-in-query`,
              ...(subject.regionHeader ? { [subject.regionHeader]: "eu-central-1" } : {}),
            },
          }));
          try {
            const client = subject.create({ allowedOrigins: [origin.origin] });
            for (const init of [{}, { method: "PUT", body: "payload", redirect: "follow" as const }]) {
              const href = `${origin.origin}/object`;
              const input =
                kind === "string" ? href : kind === "URL" ? new URL(href) : new Request(href, init);
              const error = await failure(client.fetch(input, kind === "Request" ? {} : init));
              expect(error instanceof FederationError).toBe(true);
              const refused = error as FederationError & { locationHost?: string; region?: string };
              expect(refused.code).toBe("bad_response");
              expect(refused.status).toBe(status);
              expect(refused.locationHost).toBe(new URL(target.origin).host);
              expect(refused.region).toBe(subject.regionHeader ? "eu-central-1" : undefined);
              expect(JSON.stringify(refused) + refused.message).not.toContain("secret-in-query");
            }
            expect(origin.requests.length).toBe(2);
            expect(target.requests.length).toBe(0);
          } finally {
            await Promise.all([origin.close(), target.close()]);
          }
        });
      }
    }

    it("a Request that asks to follow redirects is sent with redirect manual", async () => {
      const t = recorder();
      const client = subject.create({ fetch: t.fetch });
      await client.fetch(new Request(subject.officialUrl, { redirect: "follow" }));
      await client.fetch(subject.officialUrl, { redirect: "follow" });
      expect(t.sent.map((r) => r.redirect).join()).toBe("manual,manual");
    });

    it("an opaque redirect, or an answer a transport followed anyway, is refused", async () => {
      for (const mark of ["type", "redirected"] as const) {
        const client = subject.create({
          fetch: async () => {
            const res = new Response("followed");
            Object.defineProperty(res, mark, { value: mark === "type" ? "opaqueredirect" : true });
            return res;
          },
        });
        const error = await failure(client.fetch(subject.officialUrl));
        expect((error as FederationError).code).toBe("bad_response");
      }
    });

    for (const url of subject.customerUrls) {
      it(`refuses the customer-controlled ${new URL(url).host} before asking for a credential`, async () => {
        const t = recorder();
        const client = subject.create({ fetch: t.fetch });
        for (const input of [url, new URL(url), new Request(url)]) {
          await expectRefused(client, input, "endpoint_refused");
        }
        expect(client.credentialRequests()).toBe(0);
        expect(t.sent.length).toBe(0);
      });
    }

    for (const [what, url] of trickUrls(official)) {
      it(`refuses ${what} before asking for a credential`, async () => {
        const t = recorder();
        const client = subject.create({ fetch: t.fetch });
        // The Request constructor itself throws a TypeError for URLs with user info.
        const inputs: Array<string | URL> = [url];
        if (URL.canParse(url)) inputs.push(new URL(url));
        for (const input of inputs) await expectRefused(client, input, "endpoint_refused");
        expect(client.credentialRequests()).toBe(0);
        expect(t.sent.length).toBe(0);
      });
    }

    it("refuses dot segments in string input (the URL parser would reach another path)", async () => {
      const t = recorder();
      const client = subject.create({ fetch: t.fetch });
      for (const suffix of DOT_SEGMENT_SUFFIXES) {
        await expectRefused(client, `${official.origin}${suffix}`, "config");
      }
      expect(client.credentialRequests()).toBe(0);
      expect(t.sent.length).toBe(0);
    });

    it("an official host with a trailing dot is the same host and is served", async () => {
      const t = recorder();
      const client = subject.create({ fetch: t.fetch });
      await client.fetch(`https://${official.hostname}.${official.pathname}`);
      expect(t.sent.length).toBe(1);
    });

    it("a Request's own method and body are sent, and init overrides them", async () => {
      const t = recorder();
      const client = subject.create({ fetch: t.fetch });
      await client.fetch(new Request(subject.officialUrl, { method: "PUT", body: "request-body" }));
      await client.fetch(new Request(subject.officialUrl, { method: "PUT", body: "x" }), {
        method: "POST",
        body: "init-body",
      });
      expect(t.sent.map((r) => r.method).join()).toBe("PUT,POST");
      expect(await t.sent[0]!.text()).toBe("request-body");
      expect(await t.sent[1]!.text()).toBe("init-body");
      expect(client.credentialRequests()).toBe(2);
    });

    it("an error answer's body is capped; a success body is not", async () => {
      const big = "x".repeat(300 * 1024);
      const client = subject.create({ fetch: async () => new Response(big, { status: 500 }) });
      const error = await failure((await client.fetch(subject.officialUrl)).text());
      expect((error as FederationError).code).toBe("bad_response");
      const ok = subject.create({ fetch: async () => new Response(big, { status: 200 }) });
      expect((await (await ok.fetch(subject.officialUrl)).text()).length).toBe(big.length);
    });

    it("an endpoint that never answers times out", async () => {
      const client = subject.create({
        timeoutMs: 20,
        fetch: (request) =>
          new Promise((_, reject) =>
            request.signal.addEventListener("abort", () => reject(request.signal.reason)),
          ),
      });
      const error = await failure(client.fetch(subject.officialUrl));
      expect((error as FederationError).code).toBe("timeout");
    });
  });
}
