/**
 * Results computed from an options array, kept per array identity: a client made per request (`withFedkit`'s
 * `fedkit.client()`) is handed the same `allowedOrigins` array every time, and need not parse it every time.
 *
 * @packageDocumentation
 */

/**
 * Wraps `compute` (a pure function of an array's items) so that each array is computed once: the result is kept
 * per array identity (a `WeakMap`, so an array no longer used is dropped with its result) beside a copy of the
 * items it was computed from. A call compares the array's current items with that copy, item by item, and
 * computes again when they differ: an array mutated after a first call gets the result of what it holds now,
 * never a stale one (a removed origin is not kept allowed, an added one is checked like any other). Errors are
 * not kept: an array that throws throws on every call.
 *
 * @example
 * ```ts
 * const originsOf = memoPerArray((origins) => new Set(origins.map((origin) => new URL(origin).origin)));
 * const allowed = ["http://127.0.0.1:4566"];
 * originsOf(allowed) === originsOf(allowed); // true: parsed once
 * ```
 * @public
 */
export function memoPerArray<T, R>(compute: (items: readonly T[]) => R): (items: readonly T[]) => R {
  const memo = new WeakMap<readonly T[], { readonly items: readonly T[]; readonly result: R }>();
  return (items) => {
    const kept = memo.get(items);
    if (kept !== undefined && sameItems(kept.items, items)) return kept.result;
    // The copy is taken before computing: what is kept is what the result was computed from.
    const copy = items.slice();
    const result = compute(copy);
    memo.set(items, { items: copy, result });
    return result;
  };
}

/** Whether two arrays (or typed arrays) hold the same items in the same order. @internal */
export function sameItems<T>(a: ArrayLike<T> | undefined, b: ArrayLike<T>): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
