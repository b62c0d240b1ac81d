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

import { sameItems } from "../util/per-array.js";

let K: Int32Array | undefined;
let IV: Int32Array | undefined;
// The message schedule, the running state and the padded message, reused: the hash is synchronous, so no two calls
// share them at once. Allocating them per call cost more than hashing a short input (a canonical request) does.
const w = /* @__PURE__ */ new Int32Array(64);
const state = /* @__PURE__ */ new Int32Array(8);
let scratch = /* @__PURE__ */ new Uint8Array(512);

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** Computes the constants on first use; returns `K` (`IV` is set beside it). */
function constants(): Int32Array {
  const primes: number[] = [];
  for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p)) primes.push(n);
  const fraction = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;
  IV = Int32Array.from(primes.slice(0, 8), (p) => fraction(Math.sqrt(p)));
  K = Int32Array.from(primes, (p) => fraction(Math.cbrt(p)));
  return K;
}

/** Runs the compression function over the 64-byte blocks of `data` from `offset` to `end`, into `h`. */
function compress(h: Int32Array, data: Uint8Array, offset: number, end: number, k: Int32Array): void {
  for (; offset < end; offset += 64) {
    for (let i = 0, j = offset; i < 16; i++, j += 4)
      w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    for (let i = 16; i < 64; i++) {
      const x = w[i - 15]!;
      const y = w[i - 2]!;
      w[i] =
        w[i - 16]! +
        (rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3)) +
        w[i - 7]! +
        (rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10));
    }
    // Plain reads, not destructuring: a typed array destructures through its iterator, per block.
    let a = h[0]!;
    let b = h[1]!;
    let c = h[2]!;
    let d = h[3]!;
    let e = h[4]!;
    let f = h[5]!;
    let g = h[6]!;
    let hh = h[7]!;
    for (let i = 0; i < 64; i++) {
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i]! + w[i]!) | 0;
      const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d! + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    // Int32Array stores each sum modulo 2^32; signed words keep V8 on small-integer arithmetic.
    h[0]! += a;
    h[1]! += b;
    h[2]! += c;
    h[3]! += d;
    h[4]! += e;
    h[5]! += f;
    h[6]! += g;
    h[7]! += hh;
  }
}

/**
 * Hashes `message`, padded, into `h` (which holds the state after `before` bytes, a whole number of blocks) and
 * returns the digest.
 */
function finish(h: Int32Array, message: Uint8Array, before: number, k: Int32Array): Uint8Array {
  const length = message.length;
  // The message, the 0x80 marker and the 64-bit bit length (high word first), padded to whole blocks: the inputs
  // are short, so one copy (into a reused buffer) costs less code than handling a separate tail.
  const total = ((length + 72) >> 6) << 6;
  // The reused buffer grows to 4 KiB; a larger input gets its own buffer, which is not kept.
  if (total > scratch.length && total <= 4096) scratch = new Uint8Array(total);
  const data = total <= scratch.length ? scratch : new Uint8Array(total);
  data.set(message);
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
  const out = new Uint8Array(32);
  // Big-endian words, byte by byte (a Uint8Array keeps the low 8 bits of each shift).
  for (let i = 0; i < 32; i++) out[i] = h[i >> 2]! >>> (24 - 8 * (i & 3));
  return out;
}

/**
 * SHA-256 of bytes, synchronously. For large inputs WebCrypto's `crypto.subtle.digest` is faster; this one is for
 * the short strings of a signature.
 *
 * @example
 * ```ts
 * sha256(new TextEncoder().encode("abc"))[0]; // 0xba
 * ```
 * @public
 */
export function sha256(message: Uint8Array): Uint8Array {
  const k = K ?? constants();
  state.set(IV!);
  return finish(state, message, 0, k);
}

// The states after the key's inner (0x36) and outer (0x5c) blocks, for the last key used: SigV4 signs every warm
// request with the same derived key, whose two blocks are then hashed once instead of per request. `lastKey` is a
// copy, compared byte by byte, so a key changed in place is never mistaken for the one the states came from.
let lastKey: Uint8Array | undefined;
const innerState = /* @__PURE__ */ new Int32Array(8);
const outerState = /* @__PURE__ */ new Int32Array(8);

/**
 * HMAC-SHA256 (RFC 2104) of bytes, synchronously: what SigV4 derives its keys and signatures with.
 *
 * @example
 * ```ts
 * const mac = hmacSha256(new TextEncoder().encode("key"), new TextEncoder().encode("message"));
 * mac.length; // 32
 * ```
 * @public
 */
export function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
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
  const inner = finish(state, data, 64, k);
  state.set(outerState);
  return finish(state, inner, 64, k);
}
