/**
 * The slice of a test framework the contract suites use, so they run under vitest, jest, `node:test` adapters
 * or Deno without depending on any of them.
 *
 * @packageDocumentation
 */

/** The assertions the suites use (vitest's and jest's `expect` fit). @public */
export interface Matchers {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  toBeGreaterThan(expected: number): void;
  toContain(expected: string): void;
  toMatch(expected: RegExp | string): void;
  readonly not: Matchers;
}

/** `{ describe, it, expect }` of the test framework. @public */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => unknown, timeout?: number): void;
  expect(actual: unknown): Matchers;
}
