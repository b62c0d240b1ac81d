import type { Credentials, Provider } from "@fedkit/core";
import { afterEach, describe, expect, it } from "vitest";
import type { AwsCredentials } from "../src/credentials.js";
import { awsFetch, type CredentialGetter } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";
import { BoundedMap } from "../src/signing.js";
import { type FakeServer, startServer } from "./helpers.js";

const NOW = Date.parse("2030-05-06T07:08:09Z");
const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });

function federation(expiresAt = NOW + 3600_000) {
  const calls: Array<{ signal?: AbortSignal; correlationId?: string }> = [];
  let n = 0;
  const getter: CredentialGetter = {
    async getCredentials<C extends Credentials>(
      _p: Provider<C>,
      options?: { signal?: AbortSignal; correlationId?: string },
    ) {
      calls.push(options ?? {});
      n++;
      const creds: AwsCredentials = {
        kind: "aws",
        accessKeyId: `ASIAKEY${n}`,
        secretAccessKey: `secret${n}`,
        sessionToken: `token${n}`,
        expiresAt,
      };
      return creds as unknown as C;
    },
  };
  return { getter, calls };
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("awsFetch", () => {
  it("a body sent without headers has its content-type signed (the runtime adds it; the signer still reads it)", async () => {
    server = await startServer(() => ({ status: 200, body: "ok" }));
    const { getter } = federation();
    const s3 = awsFetch(getter, provider, { service: "s3", now: () => NOW, allowedOrigins: [server.origin] });
    await s3(`${server.origin}/bucket/key.txt`, { method: "PUT", body: "hello" });
    await s3(`${server.origin}/bucket/key.txt`);
    const [put, get] = server.requests;
    expect(put!.headers["content-type"]).toBe("text/plain;charset=UTF-8");
    expect(put!.headers.authorization).toContain(
      "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,",
    );
    expect(get!.headers.authorization).toContain(
      "SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,",
    );
  });

  it("signs the request and the client's service and region even when the credentials object carries such fields", async () => {
    const plain = {
      kind: "aws",
      accessKeyId: "ASIAODD",
      secretAccessKey: "odd-secret",
      sessionToken: "odd-token",
      expiresAt: NOW + 3600_000,
    };
    // Not credential fields: a credentials object with these must not steer what is signed.
    const odd = {
      ...plain,
      method: "DELETE",
      url: "https://other-bucket.s3.eu-west-1.amazonaws.com/x",
      body: "other body",
      service: "iam",
      region: "us-east-1",
      datetime: "20000101T000000Z",
    };
    const sign = async (creds: object) => {
      const getter: CredentialGetter = {
        async getCredentials<C extends Credentials>() {
          return creds as unknown as C;
        },
      };
      const s3 = awsFetch(getter, provider, {
        service: "s3",
        region: "eu-west-1",
        now: () => NOW,
        keyCacheSize: 1,
      });
      return s3.sign("https://my-bucket.s3.eu-west-1.amazonaws.com/a.txt", { method: "PUT", body: "x" });
    };
    const [expected, signed] = [await sign(plain), await sign(odd)];
    expect(signed.headers.get("authorization")).toMatch(
      /^AWS4-HMAC-SHA256 Credential=ASIAODD\/20300506\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-type;host;/,
    );
    // The same signature as for the plain credentials: same method, URL, body, service, region and time.
    expect(signed.headers.get("authorization")).toBe(expected.headers.get("authorization"));
    expect([signed.method, signed.url]).toEqual([
      "PUT",
      "https://my-bucket.s3.eu-west-1.amazonaws.com/a.txt",
    ]);
  });

  it("signs with fresh credentials on every request, explicit service and region, the injected clock", async () => {
    server = await startServer(() => ({ status: 200, body: "ok" }));
    const { getter, calls } = federation();
    const s3 = awsFetch(getter, provider, {
      service: "s3",
      now: () => NOW,
      correlationId: "corr-1",
      allowedOrigins: [server.origin],
    });
    const res = await s3(`${server.origin}/bucket/key.txt`);
    expect(await res.text()).toBe("ok");
    await s3(`${server.origin}/bucket/key.txt`, {
      method: "PUT",
      body: "hello",
      headers: { "content-type": "text/plain" },
    });
    const [first, second] = server.requests;
    expect(first!.headers.authorization).toMatch(
      /Credential=ASIAKEY1\/20300506\/eu-west-1\/s3\/aws4_request/,
    );
    expect(first!.headers["x-amz-security-token"]).toBe("token1");
    expect(first!.headers["x-amz-date"]).toBe("20300506T070809Z");
    // S3 header-signed requests carry the payload hash; a GET's is the hash of nothing (never UNSIGNED-PAYLOAD).
    expect(first!.headers["x-amz-content-sha256"]).toBe(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    expect(second!.headers.authorization).toMatch(/Credential=ASIAKEY2\//);
    expect(second!.body).toBe("hello");
    expect(calls).toEqual([{ correlationId: "corr-1" }, { correlationId: "corr-1" }]);
  });

  it("passes a per-client or per-request subject-token source to getCredentials", async () => {
    server = await startServer(() => ({ status: 200, body: "" }));
    const { getter, calls } = federation();
    const clientSource = { name: "client", getToken: async () => Promise.reject(new Error("unused")) };
    const requestSource = { name: "request", getToken: async () => Promise.reject(new Error("unused")) };
    const s3 = awsFetch(getter, provider, {
      service: "s3",
      source: clientSource,
      allowedOrigins: [server.origin],
    });
    await s3(`${server.origin}/b/k`);
    await s3(`${server.origin}/b/k`, { source: requestSource });
    // The client reused by calls without their own source is not changed by a call that had one.
    await s3(`${server.origin}/b/k`);
    await s3.sign(`${server.origin}/b/k`, { source: requestSource });
    await s3.sign(`${server.origin}/b/k`);
    await s3.presign(`${server.origin}/b/k`);
    expect(calls.map((c) => (c as { source?: { name: string } }).source?.name)).toEqual([
      "client",
      "request",
      "client",
      "request",
      "client",
      "client",
    ]);
    expect(server.requests[1]!.headers.source).toBeUndefined();
  });

  it("gives getCredentials only the options that are set, so a wrapper's default source is not overridden", async () => {
    server = await startServer(() => ({ status: 200, body: "" }));
    const { getter, calls } = federation();
    // A federation wrapped the way requestFederation (@fedkit/platforms) does: its defaults under the call's options.
    const defaultSource = { name: "default", getToken: async () => Promise.reject(new Error("unused")) };
    const wrapped: CredentialGetter = {
      getCredentials: (p, options) => getter.getCredentials(p, { source: defaultSource, ...options }),
    };
    const s3 = awsFetch(wrapped, provider, { service: "s3", allowedOrigins: [server.origin] });
    await s3(`${server.origin}/b/k`);
    await s3.sign(`${server.origin}/b/k`);
    expect(calls.map((c) => (c as { source?: { name: string } }).source?.name)).toEqual([
      "default",
      "default",
    ]);
    expect(Object.keys(calls[0]!)).not.toContain("correlationId");
  });

  it("does not retry: a 503 comes back after one attempt", async () => {
    server = await startServer(() => ({ status: 503, body: "slow down" }));
    const s3 = awsFetch(federation().getter, provider, {
      service: "s3",
      allowedOrigins: [server.origin],
    });
    expect((await s3(`${server.origin}/b/k`)).status).toBe(503);
    expect(server.requests).toHaveLength(1);
  });

  it("signs a Request object and passes the caller's signal to getCredentials", async () => {
    server = await startServer(() => ({ status: 200, body: "" }));
    const { getter, calls } = federation();
    const api = awsFetch(getter, provider, {
      service: "execute-api",
      region: "us-west-2",
      allowedOrigins: [server.origin],
    });
    const controller = new AbortController();
    await api(
      new Request(`${server.origin}/prod/items`, {
        method: "POST",
        body: '{"a":1}',
        headers: { "content-type": "application/json" },
      }),
      {
        signal: controller.signal,
      },
    );
    expect(server.requests[0]!.headers.authorization).toMatch(/\/us-west-2\/execute-api\/aws4_request/);
    expect(server.requests[0]!.body).toBe('{"a":1}');
    expect(calls[0]!.signal).toBe(controller.signal);
    // A Request's own signal reaches getCredentials too.
    const own = new AbortController();
    await api(new Request(`${server.origin}/prod/items`, { signal: own.signal }));
    expect(calls[1]!.signal?.aborted).toBe(false);
    own.abort();
    expect(calls[1]!.signal?.aborted).toBe(true);
  });

  it("caps presigned URLs at the credentials' remaining life and at seven days", async () => {
    const short = awsFetch(federation(NOW + 600_500).getter, provider, { service: "s3", now: () => NOW });
    const url = new URL(await short.presign("https://b.s3.eu-west-1.amazonaws.com/k", { expiresIn: 3600 }));
    expect(url.searchParams.get("X-Amz-Expires")).toBe("600");
    expect(url.searchParams.get("X-Amz-Security-Token")).toBe("token1");
    expect(url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(url.searchParams.get("X-Amz-Credential")).toBe("ASIAKEY1/20300506/eu-west-1/s3/aws4_request");
    const long = awsFetch(federation(NOW + 30 * 86400_000).getter, provider, {
      service: "s3",
      now: () => NOW,
    });
    const capped = new URL(
      await long.presign("https://b.s3.eu-west-1.amazonaws.com/k", { expiresIn: 30 * 86400 }),
    );
    expect(capped.searchParams.get("X-Amz-Expires")).toBe(String(7 * 86400));
    const dflt = new URL(await long.presign("https://b.s3.eu-west-1.amazonaws.com/k"));
    expect(dflt.searchParams.get("X-Amz-Expires")).toBe("900");
    await expect(long.presign("https://b/k", { expiresIn: 0 })).rejects.toThrow(TypeError);
  });

  it("requires a service and a region it can name", () => {
    const bare = {
      cloud: "aws",
      key: "k",
      audience: "a",
      target: {},
      exchange: async () => ({}),
    } as unknown as Provider<AwsCredentials>;
    expect(() => awsFetch(federation().getter, provider, {} as never)).toThrow(TypeError);
    expect(() => awsFetch(federation().getter, bare, { service: "s3" })).toThrow(/region/);
    expect(() => awsFetch(federation().getter, bare, { service: "s3", region: "eu-west-1" })).not.toThrow();
  });
});

describe("BoundedMap (derived-key cache)", () => {
  it("keeps at most max entries, evicting the least recently used", () => {
    const map = new BoundedMap<string, number>(2);
    map.set("a", 1).set("b", 2);
    map.get("a");
    map.set("c", 3);
    expect([...map.keys()]).toEqual(["a", "c"]);
    for (let i = 0; i < 100; i++) map.set(`k${i}`, i);
    expect(map.size).toBe(2);
    expect(() => new BoundedMap(0)).toThrow(TypeError);
  });

  it("the newest entry is found without moving it, and every other hit still moves to the newest place", () => {
    const map = new BoundedMap<string, number>(3);
    map.set("a", 1).set("b", 2).set("c", 3);
    expect(map.get("c")).toBe(3); // already the newest
    expect(map.get("a")).toBe(1); // now the newest
    map.set("d", 4); // evicts b, the least recently used
    expect([...map.keys()]).toEqual(["c", "a", "d"]);
    map.delete("d");
    expect(map.get("d")).toBeUndefined();
    expect(map.get("c")).toBe(3); // c was the oldest: it moves
    map.set("e", 5).set("f", 6); // evicts a
    expect([...map.keys()]).toEqual(["c", "e", "f"]);
  });
});
