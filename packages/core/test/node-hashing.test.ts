// sha256Hex uses WebCrypto unless `@fedkit/core/node`'s useNodeHashing() injected node:crypto; the hashes must
// be the same bytes either way (cache keys written by one runtime are read by another through a shared cache).
import { useNodeHashing } from "@fedkit/core/node";
import { afterEach, describe, expect, it } from "vitest";
import { hashHex, installSyncSha256, sha256Hex } from "../src/util/encoding.js";

const EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

afterEach(() => installSyncSha256(undefined));

describe("sha256Hex and useNodeHashing", () => {
  it("hashes with WebCrypto by default (no Node built-in reached)", async () => {
    expect(await sha256Hex("")).toBe(EMPTY);
    expect(await sha256Hex(new Uint8Array([0x61, 0x62, 0x63]))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("uses the injected synchronous hash once installed", async () => {
    installSyncSha256(() => "injected");
    expect(await sha256Hex("anything")).toBe("injected");
  });

  it("useNodeHashing installs node:crypto, which gives the same hashes as WebCrypto", async () => {
    const inputs = ["", "fedkit:v1:aws:role", "ünïcödé ✓", new Uint8Array(300).fill(7)];
    const web = await Promise.all(inputs.map((input) => sha256Hex(input)));
    useNodeHashing();
    // Proves the node:crypto path is the one taken now: a WebCrypto call would be visible as a digest() call.
    const digest = globalThis.crypto.subtle.digest;
    let webCalls = 0;
    globalThis.crypto.subtle.digest = (...args: Parameters<typeof digest>) => {
      webCalls++;
      return digest.apply(globalThis.crypto.subtle, args);
    };
    const node = await Promise.all(inputs.map((input) => sha256Hex(input)));
    globalThis.crypto.subtle.digest = digest;
    expect(node).toEqual(web);
    expect(webCalls).toBe(0);
  });

  it("the engine's synchronous hash (cache keys, token hashes, jti) matches WebCrypto, and node:crypto once installed", async () => {
    const inputs = [
      "",
      "abc",
      "ünïcödé ✓",
      "x".repeat(55),
      "x".repeat(56),
      "x".repeat(64),
      "x".repeat(16_384),
    ];
    const web = await Promise.all(inputs.map((input) => sha256Hex(input)));
    expect(inputs.map(hashHex)).toEqual(web);
    installSyncSha256(() => "injected");
    expect(hashHex("anything")).toBe("injected");
    installSyncSha256(undefined);
    useNodeHashing();
    expect(inputs.map(hashHex)).toEqual(web);
  });
});
