/**
 * A synchronous SHA-256 (FIPS 180-4) for short inputs. WebCrypto's digest is asynchronous, and pool ids are
 * needed by synchronous, pure functions (`gcpTrustConfig`, the Netlify plugin's `audience`), on edge runtimes
 * that have no `node:crypto`.
 *
 * The constants are computed as FIPS 180-4 §4.2.2 and §5.3.3 define them (the first 32 bits of the fractional
 * parts of the cube roots of the first 64 primes, and of the square roots of the first 8) instead of being
 * shipped as a 72-number table: the edge bundle carries a few lines instead. The test suite checks the digests
 * against Node's `createHash` on every length around the block boundaries.
 *
 * @packageDocumentation
 */

const fraction = (x: number): number => ((x - Math.floor(x)) * 2 ** 32) >>> 0;

let K: Uint32Array | undefined;
let H: Uint32Array | undefined;

function constants(): [Uint32Array, Uint32Array] {
  if (K === undefined || H === undefined) {
    const primes: number[] = [];
    for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
    K = Uint32Array.from(primes, (p) => fraction(Math.cbrt(p)));
    H = Uint32Array.from(primes.slice(0, 8), (p) => fraction(Math.sqrt(p)));
  }
  return [K, H];
}

type Words = [number, number, number, number, number, number, number, number];

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/**
 * SHA-256 of bytes.
 * @example
 * ```ts
 * sha256(new TextEncoder().encode("abc"))[0]; // 0xba
 * ```
 * @internal
 */
export function sha256(message: Uint8Array): Uint8Array {
  const [k, initial] = constants();
  const padded = new Uint8Array(Math.ceil((message.length + 9) / 64) * 64);
  padded.set(message);
  padded[message.length] = 0x80;
  const view = new DataView(padded.buffer);
  // The 64-bit bit length, high word first (ToUint32 truncates both halves).
  view.setUint32(padded.length - 8, message.length / 2 ** 29);
  view.setUint32(padded.length - 4, message.length * 8);
  const h = initial.slice();
  const w = new Uint32Array(64);
  for (let block = 0; block < padded.length; block += 64) {
    for (let i = 0; i < 64; i++) {
      if (i < 16) {
        w[i] = view.getUint32(block + i * 4);
      } else {
        const a = w[i - 15]!;
        const b = w[i - 2]!;
        const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3);
        const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10);
        w[i] = w[i - 16]! + s0 + w[i - 7]! + s1;
      }
    }
    // v = [a, b, c, d, e, f, g, h]: each round shifts the working variables by one.
    const v = h.slice();
    for (let i = 0; i < 64; i++) {
      const [a, b, c, , e, f, g, hh] = v as unknown as Words;
      const t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i]! + w[i]!;
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      v.copyWithin(1, 0, 7);
      v[0] = t1 + t2;
      v[4]! += t1;
    }
    for (let i = 0; i < 8; i++) h[i]! += v[i]!;
  }
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, h[i]!);
  return out;
}
