/**
 * Map helpers the engine's tables share.
 *
 * @packageDocumentation
 */

/** Sets `key` as the newest entry of `map`, dropping the oldest past `max`. @internal */
export function setBounded<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as string);
}

/** The value of `key`, made and stored by `make` the first time. @internal */
export function getOrSet<K, V>(
  map: { get(key: K): V | undefined; set(key: K, value: V): unknown },
  key: K,
  make: () => V,
): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
