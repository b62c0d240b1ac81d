/**
 * Byte and hash helpers built on WebCrypto and TextEncoder only, so they run on every edge runtime.
 *
 * @packageDocumentation
 */

import { sha256 } from "../provider/sha256.js";
import { hexDigits } from "./hex.js";

const encoder = new TextEncoder();

/**
 * Encodes bytes as unpadded base64url (RFC 4648 §5), as JWTs and PKCE use it.
 *
 * @example
 * ```ts
 * base64url(new Uint8Array([251, 255])); // "-_8"
 * ```
 * @public
 */
export function base64url(bytes: Uint8Array): string {
  // The runtime's own encoder where there is one (ES2026 `Uint8Array.prototype.toBase64`: Deno 2, Node 26): a fresh
  // isolate's first mint runs the loop below in the interpreter, ~0.3 ms in Deno against ~0.04 ms natively.
  const native = (bytes as NativeBase64Bytes).toBase64;
  if (typeof native === "function") return native.call(bytes, { alphabet: "base64url", omitPadding: true });
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/[+/=]/g, (c) => (c === "+" ? "-" : c === "/" ? "_" : ""));
}

/** `Uint8Array`'s base64 encoder, where the runtime has it. */
interface NativeBase64Bytes {
  toBase64?(options: { alphabet: "base64url"; omitPadding: true }): string;
}

/** `Uint8Array`'s static base64 decoder, where the runtime has it. */
interface NativeBase64 {
  fromBase64?(text: string, options: { alphabet: "base64url" }): Uint8Array;
}

/** Checked base64url text without its padding. */
function unpadded(text: string): string {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new TypeError("base64urlDecode: not base64url text");
  // Padding is rare (JWTs have none): the regex only runs when there is some to cut.
  return text.endsWith("=") ? text.replace(/=+$/, "") : text;
}

/** `atob`'s binary string (one character per byte) of base64url text. */
const binaryOf = (text: string): string => atob(unpadded(text).replace(/-/g, "+").replace(/_/g, "/"));

/** The bytes of a binary string. */
function bytesOf(binary: string): Uint8Array {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Decodes base64url (padded or not). Throws `TypeError` on characters outside the alphabet.
 *
 * @example
 * ```ts
 * base64urlDecode("-_8"); // Uint8Array [251, 255]
 * ```
 * @public
 */
export function base64urlDecode(text: string): Uint8Array {
  // The runtime's own decoder where there is one (ES2026 `Uint8Array.fromBase64`: Deno 2, Node 26): on a fresh
  // isolate the byte loop runs in the interpreter, ~0.45 ms for one RSA key's members in Deno against ~0.1 ms
  // natively. The same check comes first either way, so the accepted text is the same; both give the same bytes.
  const native = (Uint8Array as NativeBase64).fromBase64;
  return typeof native === "function"
    ? native.call(Uint8Array, unpadded(text), { alphabet: "base64url" })
    : bytesOf(binaryOf(text));
}

/** Made on first use: a bundle that never decodes non-ASCII text carries no decoder. */
let decoder: TextDecoder | undefined;

/**
 * Decodes base64url (as {@link base64urlDecode}) to UTF-8 text, throwing `TypeError` on invalid UTF-8. ASCII
 * (every JWT header, nearly every claim set) skips the bytes: `atob`'s binary string is then the text itself.
 * @internal
 */
export function base64urlText(text: string): string {
  const binary = binaryOf(text);
  // atob's characters are bytes (0-255): none past 0x7f means ASCII.
  if (!/[\x80-\xff]/.test(binary)) return binary;
  decoder ??= new TextDecoder("utf-8", { fatal: true });
  return decoder.decode(bytesOf(binary));
}

/**
 * Lower-case hex of bytes.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0, 171])); // "00ab"
 * ```
 * @public
 */
export function toHex(bytes: Uint8Array): string {
  // The runtime's own encoder where there is one (ES2026 `Uint8Array.prototype.toHex`), else one table lookup per
  // byte, indexed (a typed array's iterator and a number-to-string per byte cost more than the hashing of a SigV4
  // request's two digests).
  const native = (bytes as { toHex?: () => string }).toHex;
  if (typeof native === "function") return native.call(bytes);
  const hex = hexDigits();
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += hex[bytes[i]!];
  return out;
}

/**
 * UTF-8 bytes of a string.
 *
 * @example
 * ```ts
 * utf8("é"); // Uint8Array [195, 169]
 * ```
 * @public
 */
export function utf8(text: string): Uint8Array {
  // A short ASCII string (a SigV4 secret, a small body) is copied in script: in Deno, `encode` is a call into the
  // runtime that allocates, and costs more than the copy for short strings. Any other character hands the string
  // to TextEncoder. (Strings that are only hashed skip this: `sha256` encodes them into its own buffer.)
  if (text.length <= 2048) {
    const bytes = new Uint8Array(text.length);
    let i = 0;
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c > 0x7f) break;
      bytes[i] = c;
    }
    if (i === text.length) return bytes;
  }
  return encoder.encode(text);
}

/**
 * SHA-256 of a string (UTF-8) or bytes, as lower-case hex. WebCrypto, so it is asynchronous.
 *
 * @example
 * ```ts
 * await sha256Hex(""); // "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
 * ```
 * @public
 */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  if (syncSha256) return syncSha256(input);
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

/**
 * SHA-256 of a string as lower-case hex, synchronously: node:crypto where `@fedkit/core/node` installed it, else
 * the small synchronous SHA-256. For the engine's short inputs (cache keys, a token's hash, a `jti`), so that key
 * derivation, failure memory and audit events need no promise.
 * @internal
 */
export function hashHex(text: string): string {
  return syncSha256 ? syncSha256(text) : sha256(text, "hex");
}

/** A synchronous SHA-256 to lower-case hex; same bytes in, same hash out as WebCrypto's. */
export type SyncSha256 = (input: string | Uint8Array) => string;
let syncSha256: SyncSha256 | undefined;

/**
 * Replaces WebCrypto in {@link sha256Hex} with a synchronous hash. Only `@fedkit/core/node` calls it (with
 * node:crypto): this module must reach no Node built-in, statically or at run time, so edge bundles and Deno
 * never load Node's crypto. Pass `undefined` to go back to WebCrypto.
 *
 * @internal
 */
export function installSyncSha256(hash: SyncSha256 | undefined): void {
  syncSha256 = hash;
}
