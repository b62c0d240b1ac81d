/**
 * The table behind every hex encoding of the package: `toHex` of bytes and the synchronous SHA-256's hex digests
 * of its state words.
 *
 * @packageDocumentation
 */

let table: string[] | undefined;

/**
 * The two lower-case hex digits of every byte value, indexed by the byte, built on first use: one lookup per byte
 * costs less than a number-to-string per byte.
 *
 * @example
 * ```ts
 * hexDigits()[171]; // "ab"
 * ```
 * @internal
 */
export function hexDigits(): readonly string[] {
  table ??= Array.from({ length: 256 }, (_, b) => (b < 16 ? "0" : "") + b.toString(16));
  return table;
}
