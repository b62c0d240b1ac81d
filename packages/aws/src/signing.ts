/**
 * What fedkit hands to its SigV4 signer: a bounded derived-key cache and a signing time from the injected
 * clock (aws4fetch, whose algorithm it follows, would read the wall clock and grow its cache without bound).
 *
 * @packageDocumentation
 */

/**
 * A `Map` that keeps at most `max` entries, dropping the least recently used. The signer keys its derived
 * signing keys by secret, date, region and service, so an unbounded map would keep every rotated secret.
 * @internal
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly max: number;
  constructor(max: number) {
    super();
    if (!Number.isInteger(max) || max < 1)
      throw new TypeError("the key cache size must be a positive integer");
    this.max = max;
  }
  override get(key: K): V | undefined {
    const value = super.get(key);
    if (value !== undefined) {
      super.delete(key);
      super.set(key, value);
    }
    return value;
  }
  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.max) {
      const oldest = this.keys().next().value as K;
      super.delete(oldest);
    }
    return this;
  }
}

/** `20150830T123600Z` for a time in ms, as SigV4's `X-Amz-Date` wants it. @internal */
export function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[:-]|\.\d{3}/g, "");
}
