/**
 * Base64url decoding of key material (JWK members, PKCS#8 bodies) through the runtime's own codec where there is
 * one: `Uint8Array.fromBase64` and `toHex` (ES2026; Deno 2, which Netlify's edge runs, and Chrome 140). On a fresh
 * isolate the shared codec's byte loops run in the interpreter: for one RSA key's members ~0.45 ms of the first
 * request's CPU, against ~0.1 ms natively. Elsewhere (Node 22) the shared codec of `@fedkit/core` decodes.
 *
 * @packageDocumentation
 */
import { base64urlDecode, toHex } from "@fedkit/core/provider";

/** The runtime codec's static half, as `Uint8Array` has it where it exists. @internal */
export interface NativeBase64 {
  fromBase64?(text: string, options: { alphabet: "base64url" }): Uint8Array<ArrayBuffer>;
}

// What the shared codec accepts: base64url with at most two `=` (the native codec would also skip whitespace).
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * The bytes of base64url text. Both codecs accept the same text and throw a `TypeError` on anything else.
 * @internal
 */
export function base64urlBytes(
  text: string,
  native: NativeBase64 = Uint8Array as NativeBase64,
): Uint8Array<ArrayBuffer> {
  if (typeof native.fromBase64 !== "function") return base64urlDecode(text) as Uint8Array<ArrayBuffer>;
  if (!BASE64URL.test(text)) throw new TypeError("base64urlBytes: not base64url text");
  return native.fromBase64(text.replace(/=+$/, ""), { alphabet: "base64url" });
}

/** A base64url JWK member as an unsigned big integer (hex through the runtime's `toHex` where it exists). @internal */
export function bigIntOf(member: string, native?: NativeBase64): bigint {
  const bytes = base64urlBytes(member, native) as Uint8Array<ArrayBuffer> & { toHex?(): string };
  return BigInt(`0x0${typeof bytes.toHex === "function" ? bytes.toHex() : toHex(bytes)}`);
}
