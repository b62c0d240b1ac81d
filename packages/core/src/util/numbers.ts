/**
 * Validation of numeric option groups (`retry`, `refresh`).
 *
 * @packageDocumentation
 */

/**
 * Merges `partial` over `defaults`, refusing unknown names and values that are not finite numbers `>= 0` (or
 * within `ranges[name]`, `[min, max]`, where given).
 * @throws TypeError naming the option, e.g. `retry.deadlineMs must be a finite number >= 0, got -1`.
 * @internal
 */
export function mergeNumbers<T extends object>(
  defaults: Readonly<T>,
  partial: object,
  group: string,
  ranges: { readonly [K in keyof T]?: readonly [min: number, max: number] } = {},
): T {
  const merged: Record<string, unknown> = { ...defaults };
  for (const [name, value] of Object.entries(partial)) {
    if (value === undefined) continue;
    if (!(name in defaults)) throw new TypeError(`${group}.${name} is not a ${group} option`);
    const [min, max] = ranges[name as keyof T] ?? [0, Infinity];
    // Number.isFinite is false for anything that is not a number: no typeof check needed.
    if (!Number.isFinite(value) || value < min || value > max) {
      const range = max < Infinity ? `between ${min} and ${max}` : `>= ${min}`;
      throw new TypeError(`${group}.${name} must be a finite number ${range}, got ${String(value)}`);
    }
    merged[name] = value;
  }
  return merged as T;
}
