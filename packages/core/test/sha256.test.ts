// The synchronous SHA-256 and HMAC-SHA256 of @fedkit/core/provider, against node:crypto and the published vectors.
import { createHash, createHmac } from "node:crypto";
import { utf8 as encodeUtf8, hmacSha256, sha256, toHex } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const utf8 = (text: string) => new TextEncoder().encode(text);
const pattern = (length: number, seed: number) => new Uint8Array(length).map((_, i) => (i * 31 + seed) & 255);

describe("sha256 (synchronous, edge-safe)", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    [
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    ],
  ])("FIPS 180-4 vector %j", (input, digest) => {
    expect(hex(sha256(utf8(input)))).toBe(digest);
  });

  it("equals node:crypto on every length around the block boundaries", () => {
    for (let length = 0; length < 200; length++) {
      const bytes = pattern(length, length);
      expect(hex(sha256(bytes))).toBe(createHash("sha256").update(bytes).digest("hex"));
    }
  });

  it("equals node:crypto on a multi-block input and on a subarray view", () => {
    const big = pattern(100_003, 7);
    expect(hex(sha256(big))).toBe(createHash("sha256").update(big).digest("hex"));
    const view = big.subarray(5, 1_000);
    expect(hex(sha256(view))).toBe(createHash("sha256").update(view).digest("hex"));
  });
});

describe("sha256 and hmacSha256 of strings, and hex output", () => {
  // A canonical request's shape: ASCII, a long session token inside.
  const ascii = (length: number) =>
    "GET\n/k\nhost:x\nx-amz-security-token:".padEnd(length, "IQoJb3JpZ2luX2Vj").slice(0, length);

  it("a string hashes as its UTF-8 bytes, on every length around the block boundaries and past the reused buffer", () => {
    for (const length of [
      ...Array.from({ length: 200 }, (_, i) => i),
      1_400,
      4_023,
      4_024,
      4_087,
      4_096,
      5_000,
    ]) {
      const text = ascii(length);
      expect(hex(sha256(text)), `${length}`).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    }
  });

  it("non-ASCII strings, also ones whose UTF-8 form outgrows the buffer their length reserved, hash as their UTF-8 bytes", () => {
    // 2,040-2,048 "é": 4,080-4,096 bytes, which fill the 4 KiB buffer too far to leave room for the padding.
    const edge = Array.from({ length: 9 }, (_, i) => "é".repeat(2_040 + i));
    for (const text of [
      "é",
      "abc€",
      "x\ud800y",
      "é".repeat(300),
      "€".repeat(1_400),
      `${"a".repeat(4_000)}é`,
      "😀".repeat(2_000),
      ...edge,
    ]) {
      expect(hex(sha256(text)), text.slice(0, 10)).toBe(
        createHash("sha256").update(utf8(text)).digest("hex"),
      );
    }
  });

  it('"hex" gives the digest\'s lower-case hex, for bytes and strings', () => {
    for (const length of [0, 1, 55, 56, 64, 1_400]) {
      const bytes = pattern(length, 9);
      expect(sha256(bytes, "hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
      expect(sha256(ascii(length), "hex")).toBe(createHash("sha256").update(ascii(length)).digest("hex"));
    }
  });

  it("hmacSha256 of a string (and as hex) equals createHmac, for keys and messages around the block size", () => {
    for (const keyLength of [0, 32, 64, 65]) {
      for (const length of [0, 1, 55, 56, 119, 120, 150, 1_400, 5_000]) {
        const key = pattern(keyLength, keyLength);
        const text = ascii(length);
        const expected = createHmac("sha256", key).update(text, "utf8").digest("hex");
        expect(hex(hmacSha256(key, text)), `${keyLength}/${length}`).toBe(expected);
        expect(hmacSha256(key, text, "hex"), `${keyLength}/${length} hex`).toBe(expected);
      }
    }
    const key = pattern(32, 5);
    expect(hmacSha256(key, "€é", "hex")).toBe(createHmac("sha256", key).update("€é", "utf8").digest("hex"));
  });
});

describe("hmacSha256 (RFC 2104)", () => {
  // RFC 4231 §4.2-4.8 (test case 5, a truncated output, is not a property of HMAC-SHA256 itself).
  it.each([
    [
      "0b".repeat(20),
      hex(utf8("Hi There")),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    ],
    [
      hex(utf8("Jefe")),
      hex(utf8("what do ya want for nothing?")),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ],
    ["aa".repeat(20), "dd".repeat(50), "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"],
    [
      "0102030405060708090a0b0c0d0e0f10111213141516171819",
      "cd".repeat(50),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ],
    [
      "aa".repeat(131),
      hex(utf8("Test Using Larger Than Block-Size Key - Hash Key First")),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ],
    [
      "aa".repeat(131),
      hex(
        utf8(
          "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
        ),
      ),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ],
  ])("RFC 4231 vector with key %s", (key, data, mac) => {
    expect(hex(hmacSha256(fromHex(key), fromHex(data)))).toBe(mac);
  });

  it("equals node:crypto createHmac for keys and messages around the block size", () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 128]) {
      for (const dataLength of [0, 1, 55, 56, 63, 64, 65, 119, 120, 300]) {
        const key = pattern(keyLength, keyLength + 3);
        const data = pattern(dataLength, dataLength);
        const expected = createHmac("sha256", key).update(data).digest("hex");
        expect(hex(hmacSha256(key, data)), `${keyLength}/${dataLength}`).toBe(expected);
      }
    }
  });

  it("does not change its key or data", () => {
    const key = pattern(70, 1);
    const data = pattern(10, 2);
    hmacSha256(key, data);
    expect(key).toEqual(pattern(70, 1));
    expect(data).toEqual(pattern(10, 2));
  });

  it("a key changed in place, or keys taking turns, each get their own MAC (the last key's blocks are kept by value)", () => {
    const key = pattern(32, 1);
    const other = pattern(32, 2);
    const data = utf8("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n");
    const node = (k: Uint8Array) => createHmac("sha256", k).update(data).digest("hex");
    const before = node(key);
    expect(hex(hmacSha256(key, data))).toBe(before);
    key[0] = (key[0] ?? 0) ^ 1; // the same array, another key
    expect(hex(hmacSha256(key, data))).toBe(node(key));
    expect(node(key)).not.toBe(before);
    for (const k of [other, key, other, key.subarray(0, 31), pattern(100, 3)]) {
      expect(hex(hmacSha256(k, data))).toBe(node(k));
    }
  });

  it("data longer than the reused buffer, and a digest after it, are still right", () => {
    const key = pattern(32, 4);
    for (const length of [4_000, 5_000, 10, 70_000, 0]) {
      const data = pattern(length, length);
      expect(hex(hmacSha256(key, data))).toBe(createHmac("sha256", key).update(data).digest("hex"));
      expect(hex(sha256(data))).toBe(createHash("sha256").update(data).digest("hex"));
    }
  });
});

describe("toHex and utf8 (the byte helpers of a signature)", () => {
  it("toHex writes every byte value as two lower-case hex digits", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(Buffer.from(all).toString("hex"));
    expect(toHex(new Uint8Array())).toBe("");
  });

  it("utf8 equals TextEncoder for ASCII, non-ASCII at any position, lone surrogates, and long strings", () => {
    for (const text of [
      "",
      "GET\n/b/k\n\nhost:s3.amazonaws.com\n",
      "é",
      "abc€",
      `${"a".repeat(1023)}ü`,
      `${"a".repeat(2047)}ü`,
      "x\ud800y",
      "a".repeat(5_000),
      `${"a".repeat(2_000)}é`,
    ]) {
      expect([...encodeUtf8(text)]).toEqual([...utf8(text)]);
    }
  });
});
