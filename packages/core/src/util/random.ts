/**
 * Randomness helpers over an injected {@link RandomSource}.
 *
 * @packageDocumentation
 */
import type { RandomSource } from "../types.js";
import { toHex } from "./encoding.js";

/** The default randomness: `crypto.getRandomValues`, looked up at call time. @public */
export const defaultRandom: RandomSource = (bytes) => globalThis.crypto.getRandomValues(bytes);

/** A float in `[0, 1)` from the random source. @internal */
export function randomFraction(random: RandomSource): number {
  const bytes = random(new Uint8Array(4));
  const view = new DataView(bytes.buffer, bytes.byteOffset, 4);
  return view.getUint32(0) / 0x1_0000_0000;
}

/** A random hex id of `bytes` bytes (correlation ids). @internal */
export function randomId(random: RandomSource, bytes = 8): string {
  return toHex(random(new Uint8Array(bytes)));
}
