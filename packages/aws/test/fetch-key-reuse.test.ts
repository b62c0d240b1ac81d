import type { Credentials, Provider } from "@fedkit/core";
import { hmacSha256 } from "@fedkit/core/provider";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { AwsCredentials } from "../src/credentials.js";
import { awsFetch, type CredentialGetter } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";

const NOW = Date.parse("2030-05-06T07:08:09Z");
const URL_ = "https://s3.eu-west-1.amazonaws.com/bucket/key.txt";
const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });

/** A credential getter that always answers with one secret (what a warm isolate's cache hit returns). */
function fixed(secret: string): CredentialGetter {
  return {
    async getCredentials<C extends Credentials>(_p: Provider<C>) {
      const creds: AwsCredentials = {
        kind: "aws",
        accessKeyId: "ASIAKEY",
        secretAccessKey: secret,
        sessionToken: "token",
        expiresAt: NOW + 3600_000,
      };
      return creds as unknown as C;
    },
  };
}

// A new key is derived (and that request signed) with WebCrypto, a cached key signs with core's synchronous
// hmacSha256: both are counted, the latter through a pass-through mock.
vi.mock("@fedkit/core/provider", async (importOriginal) => {
  const original = await importOriginal<typeof import("@fedkit/core/provider")>();
  return { ...original, hmacSha256: vi.fn(original.hmacSha256) };
});

/** HMACs computed while `fn` runs: [WebCrypto's, the synchronous ones]. */
async function hmacs(fn: () => Promise<unknown>): Promise<[number, number]> {
  const counted = vi.mocked(hmacSha256);
  counted.mockClear();
  const spy = vi.spyOn(crypto.subtle, "sign");
  try {
    await fn();
    const web = spy.mock.calls.filter(([alg]) => ((alg as { name?: string }).name ?? alg) === "HMAC");
    return [web.length, counted.mock.calls.length];
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe("awsFetch derived-key reuse per isolate", () => {
  it("a client made per request reuses the signing key the previous client derived, for the same secret only", async () => {
    const sign = (secret: string, options = {}) =>
      awsFetch(fixed(secret), provider, { service: "s3", now: () => NOW, ...options }).sign(URL_);
    // First client of the isolate for this secret: 4 HMACs derive the key, 1 signs, all WebCrypto.
    expect(await hmacs(() => sign("reuse-secret-1"))).toEqual([5, 0]);
    // A new client (as fedkit.client() makes per request) with the same secret: only the signature, synchronous.
    expect(await hmacs(() => sign("reuse-secret-1"))).toEqual([0, 1]);
    // Another secret never finds that key.
    expect(await hmacs(() => sign("reuse-secret-2"))).toEqual([5, 0]);
    // A client with its own keyCacheSize keeps its own cache and derives again.
    expect(await hmacs(() => sign("reuse-secret-1", { keyCacheSize: 2 }))).toEqual([5, 0]);
  });

  it("a cached key signs exactly as a freshly derived one (the synchronous and the WebCrypto paths agree)", async () => {
    const client = awsFetch(fixed("paths-secret"), provider, {
      service: "s3",
      now: () => NOW,
      keyCacheSize: 1,
    });
    const derived = await client.sign(URL_);
    expect(await hmacs(() => client.sign(URL_))).toEqual([0, 1]);
    const cached = await client.sign(URL_);
    expect(cached.headers.get("authorization")).toBe(derived.headers.get("authorization"));
  });

  it("the shared signature is the one a private cache produces", async () => {
    const shared = await awsFetch(fixed("same-secret"), provider, { service: "s3", now: () => NOW }).sign(
      URL_,
    );
    const own = await awsFetch(fixed("same-secret"), provider, {
      service: "s3",
      now: () => NOW,
      keyCacheSize: 1,
    }).sign(URL_);
    expect(shared.headers.get("authorization")).toBe(own.headers.get("authorization"));
  });
});
