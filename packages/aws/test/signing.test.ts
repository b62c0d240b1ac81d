// fedkit's SigV4 signer (signV4): explicit service and region, the caller's bounded key cache, the injected time.
import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { amzDate, BoundedMap, signV4 } from "../src/signing.js";

const base = {
  method: "GET",
  url: "https://s3.us-east-1.amazonaws.com/bucket/key",
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  sessionToken: "session-token-example",
  service: "s3",
  region: "eu-west-1",
  datetime: "20240101T000000Z",
};

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
const sha256 = (data: string) => createHash("sha256").update(data).digest("hex");

/**
 * The SigV4 signature AWS computes for a header-signed request without a body, written from the AWS documentation
 * ("Create a signed AWS API request") with node:crypto, independently of the signer under test.
 */
function referenceSignature(url: URL, headers: Headers, signedHeaders: string[], secret: string): string {
  const date = headers.get("x-amz-date") ?? "";
  const scope = `${date.slice(0, 8)}/${base.region}/${base.service}/aws4_request`;
  const canonical = [
    "GET",
    url.pathname,
    url.search.slice(1),
    ...signedHeaders.map((name) => `${name}:${(headers.get(name) ?? "").trim()}`),
    "",
    signedHeaders.join(";"),
    headers.get("x-amz-content-sha256") ?? sha256(""),
  ].join("\n");
  const stringToSign = ["AWS4-HMAC-SHA256", date, scope, sha256(canonical)].join("\n");
  let key: Buffer = hmac(`AWS4${secret}`, date.slice(0, 8));
  for (const part of [base.region, base.service, "aws4_request"]) key = hmac(key, part);
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}

describe("signV4", () => {
  it("produces the signature AWS computes for the request, over the host and every x-amz header", async () => {
    const signed = await signV4({ ...base, cache: new Map() });
    const auth = signed.headers.get("authorization") ?? "";
    const [, credential, signedHeaderList, signature] =
      /^AWS4-HMAC-SHA256 Credential=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth) ??
      [];
    expect(credential).toBe("AKIDEXAMPLE/20240101/eu-west-1/s3/aws4_request");
    const signedHeaders = (signedHeaderList ?? "").split(";");
    expect(signedHeaders).toEqual(expect.arrayContaining(["host", "x-amz-date", "x-amz-security-token"]));
    const headers = new Headers(signed.headers);
    headers.set("host", signed.url.host);
    expect(signature).toBe(referenceSignature(signed.url, headers, signedHeaders, base.secretAccessKey));
    // A wrong secret gives another signature: the comparison above is not vacuous.
    expect(signature).not.toBe(referenceSignature(signed.url, headers, signedHeaders, "another-secret"));
  });

  it("a warm request (key cached, empty body) is signed synchronously, with the signature AWS computes", async () => {
    const cache = new BoundedMap<string, Uint8Array>(4);
    const first = signV4({ ...base, cache, headersEmpty: true });
    // A new key is derived with WebCrypto: a promise.
    expect(first).toBeInstanceOf(Promise);
    const derived = await first;
    const warm = signV4({ ...base, cache, headersEmpty: true });
    expect(warm).not.toBeInstanceOf(Promise);
    const signed = warm as Awaited<typeof warm>;
    const auth = signed.headers.get("authorization") ?? "";
    expect(auth).toBe(derived.headers.get("authorization"));
    // Without caller headers the list is not sorted: it is pushed in SigV4's order.
    const list = ["host", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"];
    expect(auth).toContain(`SignedHeaders=${list.join(";")}, `);
    const headers = new Headers(signed.headers);
    headers.set("host", signed.url.host);
    expect(auth.slice(-64)).toBe(referenceSignature(signed.url, headers, list, base.secretAccessKey));
    // A body over 1 KiB is hashed with WebCrypto even when the key is cached: a promise again.
    const large = signV4({ ...base, method: "PUT", body: "x".repeat(2048), cache });
    expect(large).toBeInstanceOf(Promise);
    expect((await large).headers.get("x-amz-content-sha256")).toBe(sha256("x".repeat(2048)));
  });

  it("a bad input rejects (never throws), on the synchronous path too", async () => {
    const cache = new BoundedMap<string, Uint8Array>(4);
    await signV4({ ...base, cache });
    const stream = new Blob(["body"]).stream();
    let result: unknown;
    expect(() => {
      result = signV4({ ...base, method: "PUT", body: stream, cache });
    }).not.toThrow();
    await expect(result).rejects.toThrow(/x-amz-content-sha256/);
  });

  it("caller headers: x-amz-date replaced by the signing time, payload hash and session token kept, repeats combined, hop-by-hop unsigned", async () => {
    const headers = new Headers([
      ["X-Amz-Date", "19990101T000000Z"],
      ["x-amz-content-sha256", "UNSIGNED-PAYLOAD"],
      ["x-amz-security-token", "the-callers-token"],
      ["x-custom", "a"],
      ["x-custom", "b"],
      ["user-agent", "test"],
    ]);
    const signed = await signV4({ ...base, headers, cache: new Map() });
    const lines = signed.canonicalRequest.split("\n");
    expect(lines.slice(3, 9)).toEqual([
      `host:${signed.url.host}`,
      "x-amz-content-sha256:UNSIGNED-PAYLOAD",
      "x-amz-date:20240101T000000Z",
      "x-amz-security-token:the-callers-token",
      "x-custom:a, b",
      "",
    ]);
    expect(lines.at(-2)).toBe("host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-custom");
    expect(lines.at(-1)).toBe("UNSIGNED-PAYLOAD");
    expect(signed.headers.get("x-amz-date")).toBe("20240101T000000Z");
    expect(signed.headers.get("x-amz-security-token")).toBe("the-callers-token");
    const signedList = /SignedHeaders=([^,]+)/.exec(signed.headers.get("authorization") ?? "")?.[1];
    expect(signedList).toBe("host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-custom");
  });

  it("a caller's authorization and x-amz-date are replaced, the signature's headers each sent once", async () => {
    const headers = new Headers({ authorization: "Bearer callers", "x-amz-date": "19990101T000000Z" });
    const signed = await signV4({ ...base, headers, cache: new Map() });
    const auth = signed.headers.get("authorization") ?? "";
    expect(auth).toMatch(/^AWS4-HMAC-SHA256 Credential=[^,]+, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/);
    expect(signed.headers.get("x-amz-date")).toBe("20240101T000000Z");
    expect(signed.headers.get("x-amz-security-token")).toBe("session-token-example");
    expect(signed.headers.get("x-amz-content-sha256")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("signs with the given service, region and time, not what the host suggests", async () => {
    const signed = await signV4({ ...base, cache: new Map() });
    const auth = signed.headers.get("authorization") ?? "";
    expect(auth).toContain("/20240101/eu-west-1/s3/aws4_request");
    expect(signed.headers.get("x-amz-date")).toBe("20240101T000000Z");
    expect(signed.headers.get("x-amz-security-token")).toBe("session-token-example");
  });

  it("refuses to sign without an explicit service or region (never guessed from the host)", async () => {
    await expect(signV4({ ...base, region: "", cache: new Map() })).rejects.toThrow(TypeError);
    await expect(signV4({ ...base, service: "", cache: new Map() })).rejects.toThrow(TypeError);
  });

  it("keeps the derived-key cache bounded across rotated secrets", async () => {
    const cache = new BoundedMap<string, Uint8Array>(2);
    for (let i = 0; i < 5; i++) {
      await signV4({ ...base, secretAccessKey: `secret-${i}`, cache });
    }
    expect(cache.size).toBe(2);
    // The newest secret's key is cached and reused: same signature, no new entry.
    const again = await signV4({ ...base, secretAccessKey: "secret-4", cache });
    expect(cache.size).toBe(2);
    const fresh = await signV4({ ...base, secretAccessKey: "secret-4", cache: new Map() });
    expect(again.headers.get("authorization")).toBe(fresh.headers.get("authorization"));
  });

  it("uses a cached key only for the same secret, day, region and service", async () => {
    const cache = new BoundedMap<string, Uint8Array>(8);
    const auth = async (input: Partial<typeof base>, keys: Map<string, Uint8Array> = cache) =>
      (await signV4({ ...base, ...input, cache: keys })).headers.get("authorization");
    await auth({});
    // Each variant, signed right after the base request with its cache, matches the same request signed with an
    // empty cache: a key found for any of these would sign with the wrong key.
    for (const variant of [
      { datetime: "20240102T000000Z" },
      { region: "eu-west-2" },
      { service: "sqs" },
      { secretAccessKey: "another-secret" },
    ]) {
      const expected = await auth(variant, new Map());
      await auth({});
      expect(await auth(variant)).toBe(expected);
      // And the base request again, after the variant: the variant's key is not reused for it either.
      expect(await auth({})).toBe(await auth({}, new Map()));
    }
  });

  it("canonicalizes a session token with inner whitespace, before and after a clean one", async () => {
    await signV4({ ...base, cache: new Map() });
    const signed = await signV4({ ...base, sessionToken: "a \t b", cache: new Map() });
    expect(signed.canonicalRequest).toContain("\nx-amz-security-token:a b\n");
    // The clean token is then signed as it is, not as the one before it.
    const clean = await signV4({ ...base, cache: new Map() });
    expect(clean.canonicalRequest).toContain(`\nx-amz-security-token:${base.sessionToken}\n`);
  });

  it("signs content-type and the caller's headers, never those transports and proxies set or rewrite", async () => {
    const headers = {
      "content-type": "text/csv",
      accept: "text/csv",
      range: "bytes=0-9",
      "user-agent": "ua/1",
      "x-amzn-trace-id": "Root=1",
      expect: "100-continue",
    };
    const signed = await signV4({ ...base, headers, cache: new Map() });
    const list = /SignedHeaders=([^,]+)/.exec(signed.headers.get("authorization") ?? "")?.[1];
    expect(list).toBe("accept;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token");
    // Unsigned headers are still sent as given.
    expect(signed.headers.get("range")).toBe("bytes=0-9");
  });

  it("presigns in the query string when asked", async () => {
    const signed = await signV4({
      ...base,
      url: `${base.url}?X-Amz-Expires=60`,
      cache: new Map(),
      signQuery: true,
    });
    expect(signed.url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(signed.url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.headers.has("authorization")).toBe(false);
  });
});

describe("amzDate (kept per second)", () => {
  it("formats each second once and never reuses a stamp across seconds, forward or backward", () => {
    const t = Date.UTC(2015, 7, 30, 12, 36, 0, 0);
    expect(amzDate(t)).toBe("20150830T123600Z");
    expect(amzDate(t + 999)).toBe("20150830T123600Z");
    expect(amzDate(t + 1000)).toBe("20150830T123601Z");
    expect(amzDate(t - 1)).toBe("20150830T123559Z");
    expect(amzDate(Date.UTC(2030, 0, 1))).toBe("20300101T000000Z");
  });
});
