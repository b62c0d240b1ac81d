// A key-set entry whose private and public members do not belong together would sign tokens no cloud accepts; the
// import refuses it as a config error. RSA keys are checked by their members' arithmetic (no test signature, which
// costs ~1.7 ms per fresh isolate in Deno); EC keys, and RSA JWKs without CRT members, by one test signature.
import type { FederationError } from "@fedkit/core";
import { base64urlDecode, toHex } from "@fedkit/core/provider";
import { afterEach, describe, expect, it } from "vitest";
import { generateIssuerKeys } from "../src/generate.js";
import { importIssuerKeySet } from "../src/keyset.js";
import { rsaMembersAgree } from "../src/rsa-check.js";

type Document = { keys: Record<string, unknown>[] } & Record<string, unknown>;

async function keySet(alg: "RS256" | "ES256"): Promise<{ secret: string; doc: Document }> {
  const { secret } = await generateIssuerKeys({ context: "production", alg });
  return { secret, doc: JSON.parse(secret) as Document };
}

/** `doc` with `members` of its first key replaced by another key's. */
function graft(doc: Document, other: Document, members: string[]): string {
  const key = { ...doc.keys[0] };
  for (const name of members) key[name] = other.keys[0]![name];
  return JSON.stringify({ ...doc, keys: [key] });
}

async function importError(secret: string): Promise<FederationError> {
  const error = (await importIssuerKeySet(secret, "FEDKIT_ISSUER_KEYS", "production").then(
    () => undefined,
    (e: unknown) => e,
  )) as FederationError | undefined;
  expect(error?.code).toBe("config");
  return error!;
}

describe("a key whose halves do not belong together is refused at import", () => {
  it("an untouched RSA and EC key set imports", async () => {
    for (const alg of ["RS256", "ES256"] as const) {
      const { secret } = await keySet(alg);
      await expect(importIssuerKeySet(secret, "FEDKIT_ISSUER_KEYS", "production")).resolves.toBeDefined();
    }
  });

  it.each([
    ["another key's modulus (n)", ["n"]],
    ["another key's CRT exponent (dp)", ["dp"]],
    [
      "another key's private exponent and CRT members (d, p, q, dp, dq, qi)",
      ["d", "p", "q", "dp", "dq", "qi"],
    ],
  ])("RSA with %s: config error naming the kid, no private member in it", async (_, members) => {
    const { doc } = await keySet("RS256");
    const { doc: other } = await keySet("RS256");
    const error = await importError(graft(doc, other, members));
    expect(error.message).toContain(String(doc.keys[0]!.kid));
    const text = JSON.stringify(error.toJSON());
    for (const name of ["d", "p", "q", "dp", "dq", "qi"]) {
      expect(text).not.toContain(String(doc.keys[0]![name]));
      expect(text).not.toContain(String(other.keys[0]![name]));
    }
  });

  // Node and Deno refuse an RSA private JWK without CRT members at import ("Only optimized private keys are
  // supported"); a runtime that imports one meets the test signature. Either way: a config error, no secret in it.
  it("RSA without CRT members and another key's d: a config error carrying no private member", async () => {
    const { doc } = await keySet("RS256");
    const { doc: other } = await keySet("RS256");
    const { p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...withoutCrt } = doc.keys[0]!;
    const mixed = JSON.stringify({ ...doc, keys: [{ ...withoutCrt, d: other.keys[0]!.d }] });
    const error = await importError(mixed);
    expect(error.message).toMatch(/does not match its public members|could not be imported/);
    expect(JSON.stringify(error.toJSON())).not.toContain(String(other.keys[0]!.d));
  });

  it("a non-RSA key under alg RS256, and an RSA key under ES256, are refused", async () => {
    const { doc: ec } = await keySet("ES256");
    const { doc: rsa } = await keySet("RS256");
    for (const key of [
      { ...ec.keys[0], alg: "RS256" },
      { ...rsa.keys[0], alg: "ES256" },
    ]) {
      const error = await importError(JSON.stringify({ ...ec, keys: [key] }));
      expect(error.message).toMatch(/could not be imported|must be an (RSA|EC)/);
    }
  });

  it("EC with another key's public point (x, y): config error, found by the test signature", async () => {
    const { doc } = await keySet("ES256");
    const { doc: other } = await keySet("ES256");
    const error = await importError(graft(doc, other, ["x", "y"]));
    expect(error.message).toMatch(/does not match its public members|could not be imported/);
    expect(JSON.stringify(error.toJSON())).not.toContain(String(doc.keys[0]!.d));
  });
});

describe("rsaMembersAgree", () => {
  it("true for a generated key, false for each single member changed, undefined without CRT members", async () => {
    const { doc } = await keySet("RS256");
    const { doc: other } = await keySet("RS256");
    const jwk = doc.keys[0] as JsonWebKey;
    expect(rsaMembersAgree(jwk)).toBe(true);
    for (const name of ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const) {
      // e = 3 instead of 65537; every other member from another key.
      const replacement = name === "e" ? "Aw" : (other.keys[0]![name] as string);
      expect(rsaMembersAgree({ ...jwk, [name]: replacement }), name).toBe(false);
    }
    const { p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...withoutCrt } = jwk;
    expect(rsaMembersAgree(withoutCrt)).toBeUndefined();
  });
});

type NativeBase64 = { fromBase64(text: string, options: { alphabet: "base64url" }): Uint8Array };

/**
 * The runtime codec as Deno has it (Uint8Array.fromBase64), built on Buffer for Node, counting its calls. Like the
 * real one it skips ASCII whitespace, so only core's own check keeps such text out.
 */
function fakeNative(): NativeBase64 & { calls: number } {
  const native = {
    calls: 0,
    fromBase64(text: string, options: { alphabet: "base64url" }) {
      native.calls += 1;
      expect(options.alphabet).toBe("base64url");
      const compact = text.replace(/[\t\n\f\r ]/g, "");
      if (!/^[A-Za-z0-9_-]*$/.test(compact)) throw new SyntaxError("not base64url");
      return new Uint8Array(Buffer.from(compact, "base64url"));
    },
  };
  return native;
}

// Node 26 has a real Uint8Array.fromBase64: each test puts back whatever was there.
const ORIGINAL = Object.getOwnPropertyDescriptor(Uint8Array, "fromBase64");
/** Runs with `native` as Uint8Array.fromBase64, or with none (core's script decoder). */
function useCodec(native: NativeBase64 | undefined): void {
  if (native)
    Object.defineProperty(Uint8Array, "fromBase64", { value: native.fromBase64, configurable: true });
  else delete (Uint8Array as Partial<NativeBase64>).fromBase64;
}
/** `text` decoded by `native`, or by core's script decoder. */
function decodeWith(native: NativeBase64 | undefined, text: string): Uint8Array {
  useCodec(native);
  return base64urlDecode(text);
}

describe("key material decodes through the runtime's base64 codec where there is one, the shared one elsewhere", () => {
  afterEach(() => {
    if (ORIGINAL) Object.defineProperty(Uint8Array, "fromBase64", ORIGINAL);
    else delete (Uint8Array as Partial<NativeBase64>).fromBase64;
  });

  it("both codecs give the same bytes and integers; the RSA check's verdicts do not depend on which ran", async () => {
    const { doc } = await keySet("RS256");
    const { doc: other } = await keySet("RS256");
    const jwk = doc.keys[0] as JsonWebKey;
    const native = fakeNative();
    for (const name of ["n", "e", "d", "p", "q", "dp", "dq", "qi"] as const) {
      const text = (jwk as Record<string, string>)[name]!;
      expect(decodeWith(native, text), name).toEqual(decodeWith(undefined, text));
      expect(toHex(decodeWith(native, text)), name).toBe(toHex(decodeWith(undefined, text)));
    }
    expect(toHex(decodeWith(undefined, "AQAB"))).toBe("010001");
    expect(toHex(decodeWith(native, "AQAB=="))).toBe("010001");
    useCodec(native);
    native.calls = 0;
    expect(rsaMembersAgree(jwk)).toBe(true);
    expect(native.calls).toBe(8);
    for (const name of ["n", "dp", "qi"] as const)
      expect(rsaMembersAgree({ ...jwk, [name]: other.keys[0]![name] as string }), name).toBe(false);
  });

  it.each(["AQ+B", "AQ/B", "AQ B", "AQAB===", "AQ.AB"])("refuses %j with either codec", (text) => {
    expect(() => decodeWith(fakeNative(), text)).toThrow(TypeError);
    expect(() => decodeWith(undefined, text)).toThrow();
  });

  it("the key-set import uses the runtime codec when Uint8Array has one, and still refuses a grafted key", async () => {
    const native = fakeNative();
    useCodec(native);
    const { secret, doc } = await keySet("RS256");
    const { doc: other } = await keySet("RS256");
    native.calls = 0;
    const set = await importIssuerKeySet(secret, "FEDKIT_ISSUER_KEYS", "production");
    expect(set.signingKey.kid).toBe(doc.keys[0]!.kid);
    // The eight members of the RSA check (the modulus' length is checked on its text, not decoded).
    expect(native.calls).toBe(8);
    await importError(graft(doc, other, ["dq"]));
    const short = { kid: "old", alg: "RS256", kty: "RSA", status: "previous", n: "AQAB", e: "AQAB" };
    const error = await importError(JSON.stringify({ ...doc, keys: [doc.keys[0], short] }));
    expect(error.message).toContain("2048 bits");
  });
});
