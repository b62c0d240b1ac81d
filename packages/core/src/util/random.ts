/**
 * Randomness helpers over an injected {@link RandomSource}.
 *
 * @packageDocumentation
 */
import type { RandomSource } from "../types.js";
import { toHex } from "./encoding.js";

/** The default randomness: `crypto.getRandomValues`, looked up at call time. @public */
export const defaultRandom: RandomSource = (bytes) => globalThis.crypto.getRandomValues(bytes);

/** Bytes drawn ahead for {@link pooledRandom}: one `getRandomValues` call serves ~80 exchanges. */
let pool: Uint8Array = new Uint8Array(0);
let served = 0;

/**
 * The engine's own non-secret draws (correlation ids, refresh jitter) when no `random` was injected: served from
 * a pool of 1 KiB filled by one `crypto.getRandomValues` call (looked up at refill time), because each call costs
 * ~3-10 µs on Node, as much as the rest of an exchange's bookkeeping. Each byte is handed out once and wiped from
 * the pool as it is served; more than 256 bytes are drawn directly. Never used for secrets (IVs, lease tokens,
 * `jti`s keep {@link defaultRandom}): a pool that a VM snapshot copies would repeat its bytes in every clone.
 * @internal
 */
export function pooledRandom(bytes: Uint8Array): Uint8Array {
  const end = served + bytes.length;
  if (bytes.length > 256) return defaultRandom(bytes);
  if (end > pool.length) {
    pool = defaultRandom(new Uint8Array(1024));
    served = 0;
    return pooledRandom(bytes);
  }
  bytes.set(pool.subarray(served, end));
  pool.fill(0, served, end);
  served = end;
  return bytes;
}

/** A float in `[0, 1)` from the random source. @internal */
export function randomFraction(random: RandomSource): number {
  const b = random(new Uint8Array(4));
  // The four bytes as a big-endian uint32 (what DataView's getUint32 reads), over 2^32.
  return (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) / 0x1_0000_0000;
}

/** A random hex id of `bytes` bytes (correlation ids). @internal */
export function randomId(random: RandomSource, bytes = 8): string {
  return toHex(random(new Uint8Array(bytes)));
}
