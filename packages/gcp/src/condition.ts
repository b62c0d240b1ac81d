/**
 * Reading just enough of an attribute condition (CEL) to tell which subjects a provider can produce.
 *
 * @packageDocumentation
 */

const LITERAL = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;
const PIN = /^\(*\s*(?:assertion\.sub|google\.subject)\s*(?:\.startsWith\(\s*(@\d+)\s*\)|==\s*(@\d+))\s*\)*$/;

function literalValue(literal: string): string {
  const body = literal.slice(1, -1);
  try {
    return JSON.parse(`"${literal.startsWith("'") ? body.replace(/\\'/g, "'").replace(/"/g, '\\"') : body}"`);
  } catch {
    return body;
  }
}

/**
 * The subject prefixes a condition pins in its top-level conjunction (`assertion.sub.startsWith("…")`, or an
 * exact `assertion.sub == "…"`). A condition with `||`, `!` or `?:` outside string literals is not read: it
 * yields no pin, so callers treat the provider as able to produce any subject.
 * @internal
 */
export function conditionSubjectPrefixes(condition: string): readonly string[] {
  const literals: string[] = [];
  const masked = condition.replace(LITERAL, (literal) => `@${literals.push(literal) - 1}`);
  if (/\|\||\?|!(?!=)/.test(masked)) return [];
  const pins: string[] = [];
  for (const clause of masked.split("&&")) {
    const match = PIN.exec(clause.trim());
    const index = match?.[1] ?? match?.[2];
    if (index !== undefined) pins.push(literalValue(literals[Number(index.slice(1))]!));
  }
  return pins;
}

/** Whether two lists hold the same strings, in any order. @internal */
export function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}
