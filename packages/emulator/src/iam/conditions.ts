import { compareValue } from "./compare.js";
import type { ContextView } from "./context.js";
import { type ParsedOperator, parseOperator } from "./operators.js";
import type { ConditionBlock, ConditionValue, OneOrMany } from "./types.js";

/**
 * Evaluates a statement's `Condition` block against the request context: every operator and every key must hold
 * (AND); the values listed for one key are alternatives (OR).
 *
 * Missing keys follow IAM: a positive operator is false, a `Not...` operator true, `...IfExists` true,
 * `ForAllValues:` true (vacuously), `ForAnyValue:` false, `Null: true` true.
 * @internal
 */
export function evaluateConditions(block: ConditionBlock, ctx: ContextView, variables: boolean): boolean {
  for (const [name, keys] of Object.entries(block)) {
    const op = parseOperator(name);
    // parsePolicy rejects unknown operators; an unparsed document with one must not grant anything.
    if (!op) return false;
    for (const [key, values] of Object.entries(keys)) {
      if (!evaluateKey(op, key, toStrings(values), ctx, variables)) return false;
    }
  }
  return true;
}

function toStrings(values: OneOrMany<ConditionValue>): string[] {
  return (Array.isArray(values) ? values : [values]).map((v: ConditionValue) => String(v));
}

function evaluateKey(
  op: ParsedOperator,
  key: string,
  policyValues: readonly string[],
  ctx: ContextView,
  variables: boolean,
): boolean {
  const present = ctx.get(key);
  if (op.family === "null") {
    const wantsAbsent = policyValues.some((v) => v.toLowerCase() === "true");
    const wantsPresent = policyValues.some((v) => v.toLowerCase() === "false");
    return present === undefined ? wantsAbsent : wantsPresent;
  }
  if (present === undefined) {
    if (op.ifExists) return true;
    if (op.set === "all") return true;
    if (op.set === "any") return false;
    return op.negated;
  }
  // One request value "matches" when it equals (likes, ...) at least one policy value; a Not... operator inverts
  // that per request value. An unresolvable policy variable makes the whole condition fail.
  const matches: boolean[] = [];
  for (const value of present) {
    let hit = false;
    for (const policyValue of policyValues) {
      const result = compareValue(op, value, policyValue, ctx, variables);
      if (result === undefined) return false;
      if (result) {
        hit = true;
        break;
      }
    }
    matches.push(op.negated ? !hit : hit);
  }
  if (op.set === "all") return matches.every(Boolean);
  if (op.set === "any") return matches.some(Boolean);
  // Without a set operator, a negated operator must hold for every value (no value equals), a positive for one.
  return op.negated ? matches.every(Boolean) : matches.some(Boolean);
}
