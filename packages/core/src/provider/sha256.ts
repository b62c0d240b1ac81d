/**
 * A synchronous SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) for short inputs. WebCrypto's digest and sign are
 * asynchronous: each costs a trip through the runtime's job queue, which in Deno is most of a warm SigV4 request's
 * signing time, and pool ids are needed by synchronous, pure functions (`gcpTrustConfig`, the Netlify plugin's
 * `audience`) on edge runtimes that have no `node:crypto`.
 *
 * The constants are computed as FIPS 180-4 §4.2.2 and §5.3.3 define them (the first 32 bits of the fractional
 * parts of the cube roots of the first 64 primes, and of the square roots of the first 8) instead of being
 * shipped as a 72-number table: the edge bundle carries a few lines instead. The tests check the digests against
 * Node's `createHash`/`createHmac` on every length around the block boundaries and the RFC 4231 vectors.
 *
 * @packageDocumentation
 */

import { hexDigits } from "../util/hex.js";
import { sameItems } from "../util/per-array.js";

let K: Int32Array | undefined;
let IV: Int32Array | undefined;
// The message schedule, the running state and the padded message, reused: the hash is synchronous, so no two calls
// share them at once. Allocating them per call cost more than hashing a short input (a canonical request) does.
const w = /* @__PURE__ */ new Int32Array(64);
const state = /* @__PURE__ */ new Int32Array(8);
let scratch = /* @__PURE__ */ new Uint8Array(512);
// A string is written straight into the padded buffer by `encodeInto` (in Deno a fast call, ~25x quicker than a
// copy in script for a 1.4 KB canonical request), instead of being copied into bytes first.
const encoder = /* @__PURE__ */ new TextEncoder();

/** Computes the constants on first use; returns `K` (`IV` is set beside it). */
function constants(): Int32Array {
  const primes: number[] = [];
  // Trial division up to the square root, in a plain loop: a fresh isolate runs this once, in the interpreter,
  // where a callback per candidate (`primes.every`) cost ~0.7 ms in Deno against ~0.07 ms for this.
  for (let n = 2; primes.length < 64; n++) {
    let p = 2;
    while (p * p <= n && n % p) p++;
    if (p * p > n) primes.push(n);
  }
  const fraction = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;
  IV = Int32Array.from(primes.slice(0, 8), (p) => fraction(Math.sqrt(p)));
  K = Int32Array.from(primes, (p) => fraction(Math.cbrt(p)));
  return K;
}

/**
 * Runs the compression function over the 64-byte blocks of `data` from `offset` to `end`, into `h`. The rotations
 * are written out and every sum is truncated with `| 0`: V8 then keeps the whole round in 32-bit integer registers
 * (a sum left to the typed-array store is computed in floating point first). The state stays in locals across
 * blocks.
 */
function compress(h: Int32Array, data: Uint8Array, offset: number, end: number, k: Int32Array): void {
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (; offset < end; offset += 64) {
    for (let i = 0, j = offset; i < 16; i++, j += 4)
      w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
    }
    const a0 = a;
    const b0 = b;
    const c0 = c;
    const d0 = d;
    const e0 = e;
    const f0 = f;
    const g0 = g;
    const h0 = hh;
    for (let i = 0; i < 64; i++) {
      const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + s1 + (g ^ (e & (f ^ g))) + k[i]! + w[i]!) | 0;
      const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (s0 + ((a & b) | (c & (a | b)))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    a = (a + a0) | 0;
    b = (b + b0) | 0;
    c = (c + c0) | 0;
    d = (d + d0) | 0;
    e = (e + e0) | 0;
    f = (f + f0) | 0;
    g = (g + g0) | 0;
    hh = (hh + h0) | 0;
  }
  h[0] = a;
  h[1] = b;
  h[2] = c;
  h[3] = d;
  h[4] = e;
  h[5] = f;
  h[6] = g;
  h[7] = hh;
}

/**
 * A buffer for `length` message bytes and their padding (the 0x80 marker and the 64-bit length): the reused one,
 * grown up to 4 KiB, or for a larger input one of its own, which is not kept.
 */
function room(length: number): Uint8Array {
  const total = ((length + 72) >> 6) << 6;
  if (total > scratch.length && total <= 4096) scratch = new Uint8Array(4096);
  return total <= scratch.length ? scratch : new Uint8Array(total);
}

/**
 * Hashes the `length` message bytes at the start of `data` (a buffer from {@link room}), padded in place, into `h`
 * (which holds the state after `before` bytes, a whole number of blocks): `h` then holds the digest's words.
 */
function finish(h: Int32Array, data: Uint8Array, length: number, before: number, k: Int32Array): void {
  const total = ((length + 72) >> 6) << 6;
  data.fill(0, length, total);
  data[length] = 0x80;
  const bytes = before + length;
  const high = Math.floor(bytes / 2 ** 29);
  const low = (bytes * 8) >>> 0;
  for (let i = 0; i < 4; i++) {
    data[total - 8 + i] = high >>> (24 - 8 * i);
    data[total - 4 + i] = low >>> (24 - 8 * i);
  }
  compress(h, data, 0, total, k);
}

/**
 * Hashes `message` (bytes, or a string as UTF-8) into `h`, which holds the state after `before` bytes. A string
 * is encoded into the padded buffer directly; one whose UTF-8 form does not fit the room its length made (any
 * character above U+007F may take more than one byte) is encoded on its own first.
 */
function digest(h: Int32Array, message: Uint8Array | string, before: number, k: Int32Array): void {
  if (typeof message === "string") {
    const data = room(message.length);
    const { read, written } = encoder.encodeInto(message, data);
    // The padding needs 9 bytes after the message.
    if (read === message.length && written <= data.length - 9) {
      finish(h, data, written, before, k);
      return;
    }
    message = encoder.encode(message);
  }
  const data = room(message.length);
  data.set(message);
  finish(h, data, message.length, before, k);
}

/** The digest in `h` as bytes (big-endian words), written into `out`. */
function bytesOf(h: Int32Array, out: Uint8Array = new Uint8Array(32)): Uint8Array {
  // A Uint8Array keeps the low 8 bits of each shift.
  for (let i = 0; i < 32; i++) out[i] = h[i >> 2]! >>> (24 - 8 * (i & 3));
  return out;
}

/**
 * The digest in `h` as lower-case hex, straight from its words: SigV4 wants hex, and a byte array per digest cost
 * a warm Deno request more than the hex of its bytes (allocating a typed array goes through the runtime).
 */
function hexOf(h: Int32Array): string {
  const hex = hexDigits();
  let out = "";
  for (let i = 0; i < 8; i++) {
    const x = h[i]!;
    out += hex[x >>> 24]! + hex[(x >>> 16) & 255]! + hex[(x >>> 8) & 255]! + hex[x & 255]!;
  }
  return out;
}

/**
 * SHA-256 of bytes, or of a string's UTF-8 bytes, synchronously: as bytes, or as lower-case hex with `"hex"`. For
 * large inputs WebCrypto's `crypto.subtle.digest` is faster; this one is for the short strings of a signature.
 *
 * @example
 * ```ts
 * sha256("abc")[0]; // 0xba, as sha256(new TextEncoder().encode("abc"))
 * sha256("abc", "hex"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 * @public
 */
export function sha256(message: Uint8Array | string): Uint8Array;
export function sha256(message: Uint8Array | string, output: "hex"): string;
export function sha256(message: Uint8Array | string, output?: "hex"): Uint8Array | string {
  const k = K ?? constants();
  state.set(IV!);
  digest(state, message, 0, k);
  return output === "hex" ? hexOf(state) : bytesOf(state);
}

// The states after the key's inner (0x36) and outer (0x5c) blocks, for the last key used: SigV4 signs every warm
// request with the same derived key, whose two blocks are then hashed once instead of per request. `lastKey` is a
// copy, compared byte by byte, so a key changed in place is never mistaken for the one the states came from.
let lastKey: Uint8Array | undefined;
const innerState = /* @__PURE__ */ new Int32Array(8);
const outerState = /* @__PURE__ */ new Int32Array(8);

/**
 * HMAC-SHA256 (RFC 2104) of bytes, or of a string's UTF-8 bytes, synchronously: what SigV4 derives its keys and
 * signatures with. As bytes, or as lower-case hex with `"hex"`.
 *
 * @example
 * ```ts
 * const mac = hmacSha256(new TextEncoder().encode("key"), "message");
 * mac.length; // 32
 * hmacSha256(mac, "message", "hex").length; // 64
 * ```
 * @public
 */
export function hmacSha256(key: Uint8Array, data: Uint8Array | string): Uint8Array;
export function hmacSha256(key: Uint8Array, data: Uint8Array | string, output: "hex"): string;
export function hmacSha256(key: Uint8Array, data: Uint8Array | string, output?: "hex"): Uint8Array | string {
  const k = K ?? constants();
  if (!sameItems(lastKey, key)) {
    const block = new Uint8Array(64);
    block.set(key.length > 64 ? sha256(key) : key);
    for (let i = 0; i < 64; i++) block[i]! ^= 0x36;
    innerState.set(IV!);
    compress(innerState, block, 0, 64, k);
    // 0x36 ^ 0x5c: from the inner block to the outer one.
    for (let i = 0; i < 64; i++) block[i]! ^= 0x6a;
    outerState.set(IV!);
    compress(outerState, block, 0, 64, k);
    lastKey = key.slice();
  }
  state.set(innerState);
  digest(state, data, 64, k);
  // The outer hash's message is the inner digest: its words go into the padded buffer as they are.
  const inner = bytesOf(state, room(32));
  state.set(outerState);
  finish(state, inner, 32, 64, k);
  return output === "hex" ? hexOf(state) : bytesOf(state);
}
