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

let K: Int32Array | undefined;
let IV: Int32Array | undefined;
// The message schedule, reused: the hash is synchronous, so no two calls share it at once.
const w = /* @__PURE__ */ new Int32Array(64);

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

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
  if (K === undefined || IV === undefined) {
    const primes: number[] = [];
    for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p)) primes.push(n);
    const fraction = (x: number) => ((x - Math.floor(x)) * 2 ** 32) | 0;
    K = Int32Array.from(primes, (p) => fraction(Math.cbrt(p)));
    IV = Int32Array.from(primes.slice(0, 8), (p) => fraction(Math.sqrt(p)));
  }
  const length = message.length;
  // The message, the 0x80 marker and the 64-bit bit length (high word first), padded to whole blocks: the inputs
  // are short, so one copy costs less code than handling a separate tail.
  const data = new Uint8Array(((length + 72) >> 6) << 6);
  data.set(message);
  data[length] = 0x80;
  const view = new DataView(data.buffer);
  view.setUint32(data.length - 8, length / 2 ** 29);
  view.setUint32(data.length - 4, length * 8);
  const h = IV.slice();
  for (let offset = 0; offset < data.length; offset += 64) {
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
      const t1 = (hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i]! + w[i]!) | 0;
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
  const out = new Uint8Array(32);
  // Big-endian words, byte by byte (a Uint8Array keeps the low 8 bits of each shift).
  for (let i = 0; i < 32; i++) out[i] = h[i >> 2]! >>> (24 - 8 * (i & 3));
  return out;
}

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
  const block = new Uint8Array(64);
  block.set(key.length > 64 ? sha256(key) : key);
  // The key block XOR `mask`, followed by `tail`.
  const padded = (mask: number, tail: Uint8Array) => {
    const out = new Uint8Array(64 + tail.length);
    out.set(tail, 64);
    for (let i = 0; i < 64; i++) out[i] = block[i]! ^ mask;
    return out;
  };
  return sha256(padded(0x5c, sha256(padded(0x36, data))));
}
