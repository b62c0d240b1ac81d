import { afterEach, describe, expect, it } from "vitest";
import { deployedIssuer, harness } from "../support/harness.js";

const SITE = "https://reports.acme-widgets.test";
const JWKS = `${SITE}/oidc/production/.well-known/jwks.json`;
const DISCOVERY = `${SITE}/oidc/production/.well-known/openid-configuration`;
let h: ReturnType<typeof harness>;
afterEach(() => h?.cleanup());

const deployed = (keyDir: string, env: Record<string, string> = {}) => deployedIssuer(keyDir, SITE, env);

/** A site whose documents can be bent one way at a time. */
function served(overrides: {
  jwks?: unknown;
  discovery?: unknown;
  headers?: Record<string, string>;
  status?: number;
}) {
  return (async (input: RequestInfo | URL) => {
    const url = String(input);
    const body =
      url === JWKS
        ? (overrides.jwks ?? { keys: [{ kid: "a", kty: "EC" }] })
        : url === DISCOVERY
          ? (overrides.discovery ?? { issuer: `${SITE}/oidc/production`, jwks_uri: JWKS })
          : undefined;
    if (body === undefined) return new Response("", { status: 404 });
    return new Response(JSON.stringify(body), {
      status: overrides.status ?? 200,
      headers: {
        "content-type": "application/json",
        "cache-control": "public, max-age=300",
        ...overrides.headers,
      },
    });
  }) as typeof fetch;
}

const doctor = (fetchFn: typeof fetch, args: string[] = []) =>
  h.run(["doctor", "--site", SITE, "--json", ...args], { fetch: fetchFn });
const failed = (out: string) =>
  (JSON.parse(out).contexts.production as { check: string; ok: boolean }[])
    .filter((f) => !f.ok)
    .map((f) => f.check);

describe("fedkit doctor --site (issuer health)", () => {
  it("passes a deploy of issuerRoutes serving the local key set with its staged next key", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    await h.run(["keys", "stage", "--context", "production", "--alg", "ES256"]);
    const { code, out } = await doctor(deployed(h.keyDir));
    expect(failed(out)).toEqual([]);
    expect(code).toBe(0);
  });

  it("fails issuer equality when the deploy's FEDKIT_SITE_URL differs from the trusted origin", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const result = await doctor(deployed(h.keyDir, { FEDKIT_SITE_URL: "https://reports-acme.netlify.app" }));
    expect(result.code).toBe(1);
    expect(failed(result.out)).toContain("issuer equality");
  });

  it("fails when the current kid is not published, or no next key is staged", async () => {
    h = harness();
    await h.run(["keys", "generate", "--context", "production", "--alg", "ES256"]);
    const result = await doctor(served({}));
    expect(failed(result.out)).toEqual(["current kid published", "next key staged"]);
  });

  it("flags private members without printing them, and duplicate kids", async () => {
    h = harness();
    const secret = "c2VjcmV0LXByaXZhdGUtc2NhbGFyLXZhbHVl";
    const result = await doctor(served({ jwks: { keys: [{ kid: "a", d: secret }, { kid: "a" }] } }));
    expect(failed(result.out)).toEqual(["unique kids", "no private members"]);
    expect(result.out).not.toContain(secret);
    const text = await h.run(["doctor", "--site", SITE], {
      fetch: served({ jwks: { keys: [{ kid: "a", d: secret }] } }),
    });
    expect(text.out).toContain("FAIL  no private members");
    expect(text.out).not.toContain(secret);
  });

  it("checks content type, Cache-Control and clock skew against Date", async () => {
    h = harness();
    const bent = served({
      headers: {
        "content-type": "text/html",
        "cache-control": "",
        date: new Date(Date.UTC(2026, 0, 1) - 120_000).toUTCString(),
      },
    });
    expect(failed((await doctor(bent)).out)).toEqual([
      "discovery content type",
      "jwks content type",
      "cache-control",
      "clock skew",
    ]);
  });

  it("does not follow a redirect (the clouds do not) and reports it", async () => {
    h = harness();
    const result = await doctor(served({ status: 301 }));
    expect(result.code).toBe(1);
    expect(failed(result.out)).toEqual(["discovery"]);
  });

  it("fails https for a plain-http origin and needs --site", async () => {
    h = harness();
    expect((await h.run(["doctor"])).code).toBe(2);
    const local = await h.run(["doctor", "--site", "http://127.0.0.1:9", "--json"], {
      fetch: (async () => new Response("{}", { status: 404 })) as typeof fetch,
    });
    expect(failed(local.out)).toContain("https");
  });
});
