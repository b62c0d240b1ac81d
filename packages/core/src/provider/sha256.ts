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

const fraction = (x: number): number => ((x - Math.floor(x)) * 2 ** 32) >>> 0;

let K: Int32Array | undefined;
let IV: Int32Array | undefined;

function constants(): [Int32Array, Int32Array] {
  if (K === undefined || IV === undefined) {
    const primes: number[] = [];
    for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
    K = Int32Array.from(primes, (p) => fraction(Math.cbrt(p)) | 0);
    IV = Int32Array.from(primes.slice(0, 8), (p) => fraction(Math.sqrt(p)) | 0);
  }
  return [K, IV];
}

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** One compression of the 64-byte block at `offset` into `h` (`w` is scratch space). */
function compress(h: Int32Array, w: Int32Array, k: Int32Array, data: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
    const s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y >>> 10);
    w[i] = w[i - 16]! + s0 + w[i - 7]! + s1;
  }
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
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  // Int32Array stores each sum modulo 2^32; signed words keep V8 on small-integer arithmetic (Uint32Array words
  // above 2^31 become doubles), ~15% faster in Deno.
  h[0]! += a;
  h[1]! += b;
  h[2]! += c;
  h[3]! += d;
  h[4]! += e;
  h[5]! += f;
  h[6]! += g;
  h[7]! += hh;
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
  const [k, iv] = constants();
  const h = iv.slice();
  const w = new Int32Array(64);
  const whole = message.length - (message.length % 64);
  for (let block = 0; block < whole; block += 64) compress(h, w, k, message, block);
  // The rest, the 0x80 marker and the 64-bit bit length (high word first) fill one or two last blocks.
  const tail = new Uint8Array(message.length - whole + 9 > 64 ? 128 : 64);
  tail.set(message.subarray(whole));
  tail[message.length - whole] = 0x80;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, message.length / 2 ** 29);
  view.setUint32(tail.length - 4, message.length * 8);
  for (let block = 0; block < tail.length; block += 64) compress(h, w, k, tail, block);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!);
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
  const inner = new Uint8Array(64 + data.length);
  for (let i = 0; i < 64; i++) inner[i] = block[i]! ^ 0x36;
  inner.set(data, 64);
  const outer = new Uint8Array(96);
  for (let i = 0; i < 64; i++) outer[i] = block[i]! ^ 0x5c;
  outer.set(sha256(inner), 64);
  return sha256(outer);
}
