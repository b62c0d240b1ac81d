// fedkit signs with aws4fetch's AwsV4Signer, configured once (createSigner): explicit service and region, the
// caller's bounded key cache, the injected time, no retrying client.
import { readFileSync } from "node:fs";
import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { BoundedMap, createSigner } from "../src/signing.js";

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

describe("createSigner (aws4fetch as fedkit configures it)", () => {
  it("is aws4fetch's AwsV4Signer, and aws4fetch is a runtime dependency", () => {
    expect(createSigner({ ...base, cache: new Map() })).toBeInstanceOf(AwsV4Signer);
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(pkg.dependencies.aws4fetch).toBeDefined();
  });

  it("signs with the given service, region and time, not what the host suggests", async () => {
    const signed = await createSigner({ ...base, cache: new Map() }).sign();
    const auth = signed.headers.get("authorization") ?? "";
    expect(auth).toContain("/20240101/eu-west-1/s3/aws4_request");
    expect(signed.headers.get("x-amz-date")).toBe("20240101T000000Z");
    expect(signed.headers.get("x-amz-security-token")).toBe("session-token-example");
  });

  it("refuses to sign without an explicit service or region (aws4fetch would guess, then use us-east-1)", () => {
    expect(() => createSigner({ ...base, region: "", cache: new Map() })).toThrow(TypeError);
    expect(() => createSigner({ ...base, service: "", cache: new Map() })).toThrow(TypeError);
  });

  it("keeps aws4fetch's derived-key cache bounded across rotated secrets", async () => {
    const cache = new BoundedMap<string, ArrayBuffer>(2);
    for (let i = 0; i < 5; i++) {
      await createSigner({ ...base, secretAccessKey: `secret-${i}`, cache }).sign();
    }
    expect(cache.size).toBe(2);
    // The newest secret's key is cached and reused: same signature, no new entry.
    const again = await createSigner({ ...base, secretAccessKey: "secret-4", cache }).sign();
    expect(cache.size).toBe(2);
    const fresh = await createSigner({ ...base, secretAccessKey: "secret-4", cache: new Map() }).sign();
    expect(again.headers.get("authorization")).toBe(fresh.headers.get("authorization"));
  });

  it("presigns in the query string when asked", async () => {
    const signed = await createSigner({
      ...base,
      url: `${base.url}?X-Amz-Expires=60`,
      cache: new Map(),
      signQuery: true,
    }).sign();
    expect(signed.url.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(signed.url.searchParams.get("X-Amz-Signature")).toMatch(/^[0-9a-f]{64}$/);
    expect(signed.headers.has("authorization")).toBe(false);
  });
});
