/**
 * Passing a target's optional settings on to a provider's options, which (under `exactOptionalPropertyTypes`)
 * take a setting or its absence, never `undefined`.
 *
 * @packageDocumentation
 */

/**
 * The values of `keys` that `target` sets, leaving out unset ones.
 *
 * @example
 * ```ts
 * definedOf({ scope: "s", authorityHost: undefined }, ["scope", "authorityHost"]); // { scope: "s" }
 * ```
 * @internal
 */
export function definedOf<T extends object, K extends keyof T>(
  target: T,
  keys: readonly K[],
): { [P in K]?: T[P] & {} } {
  return Object.fromEntries(
    keys.flatMap((key) => (target[key] === undefined ? [] : [[key, target[key]]])),
  ) as { [P in K]?: T[P] & {} };
}
