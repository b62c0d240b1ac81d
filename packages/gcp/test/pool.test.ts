import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkGcpId, gcpPoolId } from "../src/pool.js";
import { sha256 } from "../src/sha256.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("sha256 (synchronous, edge-safe)", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
  ])("FIPS 180-4 vector %j", (input, digest) => {
    expect(hex(sha256(new TextEncoder().encode(input)))).toBe(digest);
  });

  it("equals node:crypto on every length around the block boundaries", () => {
    for (let length = 0; length < 200; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 31 + length) & 255);
      expect(hex(sha256(bytes))).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });
});

describe("gcpPoolId (scheme fedkit/gcp-pool-id/v1)", () => {
  const site = "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11";

  it("is the documented hash: fk- + 26 base32 characters of SHA-256 over the JSON triple", () => {
    const digest = createHash("sha256")
      .update(JSON.stringify(["fedkit/gcp-pool-id/v1", site, "production"]))
      .digest();
    let bits = "";
    for (const byte of digest) bits += byte.toString(2).padStart(8, "0");
    const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    let expected = "fk-";
    for (let i = 0; i < 26; i++) expected += alphabet[Number.parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
    expect(gcpPoolId(site, "production")).toBe(expected);
  });

  it("follows Google's pool id rules and differs per site and per context", () => {
    const ids = [
      gcpPoolId(site, "production"),
      gcpPoolId(site, "deploy-preview"),
      gcpPoolId(site, "branch-deploy"),
      gcpPoolId("0f3a4c1e-8d1b-4b8e-9a7e-5c2d7e6f1a01", "production"),
    ];
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) {
      expect(id).toMatch(/^[a-z0-9-]{4,32}$/);
      expect(id.startsWith("gcp-")).toBe(false);
      expect(checkGcpId("pool", id)).toBe(id);
    }
    // Domain-separated: the pair cannot be shifted between the fields.
    expect(gcpPoolId("a", "b-c")).not.toBe(gcpPoolId("a-b", "c"));
  });

  it("checkGcpId applies Google's rule (4-32 of [a-z0-9-], no gcp- prefix)", () => {
    for (const bad of ["abc", "a".repeat(33), "gcp-pool", "Pool", "pool_1", "pool.x"]) {
      expect(() => checkGcpId("pool", bad)).toThrow(/not a valid workload identity pool id/);
    }
    for (const good of ["abcd", "a".repeat(32), "0pool-", "netlify"])
      expect(checkGcpId("provider", good)).toBe(good);
  });
});
