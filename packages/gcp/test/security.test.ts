/// <reference types="node" />
// Security properties of @fedkit/gcp's clients and cache keys: the bearer never follows a redirect, never goes
// to a host outside Google's APIs without an opt-in, and every permission-affecting option changes the key.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { AccessToken, Credentials, Federation, Provider } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import { gcpFetch, gcpIdTokenProvider, gcpProvider } from "../src/index.js";
import { FedkitAuthClient } from "../src/node/index.js";

const BEARER = "ya29.c.SECRET-ACCESS-TOKEN-that-must-stay-put";
const base = { projectNumber: "123456789012", poolId: "netlify", providerId: "site" } as const;

const federation = {
  async getCredentials<C extends Credentials>(_p: Provider<C>) {
    const token: AccessToken = {
      kind: "access-token",
      token: BEARER,
      tokenType: "Bearer",
      expiresAt: Date.now() + 3600_000,
    };
    return token as unknown as C;
  },
} as unknown as Federation;

interface Server {
  origin: string;
  hits: Array<{ url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(reply: (url: string) => { status: number; location?: string }): Promise<Server> {
  const hits: Server["hits"] = [];
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    hits.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const { status, location } = reply(req.url ?? "");
    res.writeHead(status, { "content-type": "application/json", ...(location ? { location } : {}) });
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const out: Server = {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(out);
  return out;
}

async function redirectPair(status: number) {
  const target = await serve(() => ({ status: 200 }));
  const origin = await serve(() => ({ status, location: `${target.origin}/collect` }));
  return { target, origin };
}

describe("gcpFetch and the google-auth-library adapter never follow a redirect with the bearer", () => {
  for (const status of [301, 302, 307, 308]) {
    it(`gcpFetch: a ${status} is handed back, not followed`, async () => {
      const { target, origin } = await redirectPair(status);
      const gfetch = gcpFetch(federation, gcpProvider(base), { allowedOrigins: [origin.origin] });
      const outcome = await gfetch(`${origin.origin}/storage/v1/b/x/o/y`).then(
        (r) => r.status,
        () => "rejected",
      );
      expect(outcome === "rejected" || (typeof outcome === "number" && outcome >= 300)).toBe(true);
      expect(origin.hits[0]!.authorization).toBe(`Bearer ${BEARER}`);
      expect(target.hits).toHaveLength(0);
    });

    it(`FedkitAuthClient.request: a ${status} reaches no second host`, async () => {
      const { target, origin } = await redirectPair(status);
      const client = new FedkitAuthClient(federation, gcpProvider(base), { allowedOrigins: [origin.origin] });
      await client
        .request({ url: `${origin.origin}/storage/v1/b/x/o/y`, retry: false })
        .catch(() => undefined);
      expect(origin.hits).toHaveLength(1);
      expect(target.hits).toHaveLength(0);
    });
  }

  it("FedkitAuthClient.request: a same-origin redirect is not followed with the bearer either", async () => {
    const server = await serve((url) =>
      url === "/moved" ? { status: 200 } : { status: 302, location: "/moved" },
    );
    const client = new FedkitAuthClient(federation, gcpProvider(base), { allowedOrigins: [server.origin] });
    await client.request({ url: `${server.origin}/a`, retry: false }).catch(() => undefined);
    expect(server.hits.map((h) => h.url)).toEqual(["/a"]);
  });
});

describe("gcpFetch sends the bearer only to Google's API hosts unless opted in", () => {
  it.each([
    "http://127.0.0.1:1/x",
    "https://storage.googleapis.com.evil.example/x",
    "https://evilgoogleapis.com/x",
    "http://storage.googleapis.com/x",
    "https://storage.googleapis.com:8443/x",
    "https://user:pw@storage.googleapis.com/x",
  ])("refuses %s before asking for a token", async (url) => {
    let asked = 0;
    const counting = {
      getCredentials: async () => {
        asked++;
        return { kind: "access-token", token: BEARER, tokenType: "Bearer", expiresAt: Date.now() + 1e6 };
      },
    } as unknown as Federation;
    let sent = 0;
    const gfetch = gcpFetch(counting, gcpProvider(base), {
      fetch: async () => {
        sent++;
        return new Response("{}");
      },
    });
    const error = await gfetch(url).then(
      () => undefined,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(error?.code).toBe("endpoint_refused");
    expect(error?.message).not.toContain(BEARER);
    expect(asked).toBe(0);
    expect(sent).toBe(0);
  });

  it("an ID-token provider's bearer goes to its audience's host only", async () => {
    const provider = gcpIdTokenProvider({
      ...base,
      serviceAccount: "sa@p.iam.gserviceaccount.com",
      targetAudience: "https://api.internal.example.com",
    });
    const gfetch = gcpFetch(federation, provider, { fetch: async () => new Response("{}") });
    await expect(gfetch("https://storage.googleapis.com/x")).rejects.toMatchObject({
      code: "endpoint_refused",
    });
    await expect(gfetch("https://api.internal.example.com/x")).resolves.toBeInstanceOf(Response);
  });
});

describe("the provider key changes with every permission-affecting option", () => {
  const sa = "reader@my-project.iam.gserviceaccount.com";
  const variants: Record<string, Parameters<typeof gcpProvider>[0]> = {
    base: { ...base },
    pool: { ...base, poolId: "other" },
    provider: { ...base, providerId: "other" },
    project: { ...base, projectNumber: "999999999999" },
    scopes: { ...base, scopes: ["https://www.googleapis.com/auth/devstorage.read_only"] },
    serviceAccount: { ...base, serviceAccount: sa },
    otherServiceAccount: { ...base, serviceAccount: "writer@my-project.iam.gserviceaccount.com" },
    saScopes: {
      ...base,
      serviceAccount: sa,
      scopes: ["https://www.googleapis.com/auth/devstorage.read_only"],
    },
    lifetime: { ...base, serviceAccount: sa, lifetimeSeconds: 600 },
    delegates: { ...base, serviceAccount: sa, delegates: ["hop@my-project.iam.gserviceaccount.com"] },
    subjectAudience: { ...base, subjectAudience: "https://iam.googleapis.com/other" },
    tokenType: { ...base, subjectTokenType: "id_token" },
    sts: { ...base, stsEndpoint: "http://127.0.0.1:9/v1/token", allowCustomEndpoint: true },
  };

  it("no two configurations share a key", () => {
    const keys = Object.entries(variants).map(([name, options]) => [name, gcpProvider(options).key] as const);
    expect(new Set(keys.map(([, k]) => k)).size).toBe(keys.length);
  });

  it("ID-token providers differ by target audience and includeEmail, and from access-token providers", () => {
    const id = { ...base, serviceAccount: sa, targetAudience: "https://a.example.com" };
    const keys = [
      gcpIdTokenProvider(id).key,
      gcpIdTokenProvider({ ...id, targetAudience: "https://b.example.com" }).key,
      gcpIdTokenProvider({ ...id, includeEmail: false }).key,
      gcpProvider({ ...base, serviceAccount: sa }).key,
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });
});
