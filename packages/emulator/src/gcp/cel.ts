/**
 * Attribute mapping and attribute conditions of workload identity providers, evaluated by a real CEL
 * implementation (`@bufbuild/cel`, which runs the cel-spec conformance suite). Expressions are compiled when
 * the emulator starts; anything Google would not accept (a syntax error, an unknown function or variable) is a
 * configuration error then, not a surprise at exchange time.
 *
 * @packageDocumentation
 */
import {
  type CelEnv,
  CelScalar,
  type CelValue,
  celEnv,
  celMethod,
  isCelError,
  isCelList,
  isCelMap,
  parse,
  plan,
} from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";

type Expr = ReturnType<typeof parse>["expr"];

/**
 * Google's `extract` function: `assertion.sub.extract("site:{site}:")` returns the text matched by `{site}`
 * between the literal prefix and suffix, or "" when the template does not match.
 */
function extract(this: string, template: string): string {
  const open = template.indexOf("{");
  const close = template.indexOf("}", open);
  if (open < 0 || close < 0) throw new Error("extract template needs one {name} placeholder");
  const prefix = template.slice(0, open);
  const suffix = template.slice(close + 1);
  const start = this.indexOf(prefix);
  if (start < 0) return "";
  const rest = this.slice(start + prefix.length);
  if (suffix === "") return rest;
  const end = rest.indexOf(suffix);
  return end < 0 ? "" : rest.slice(0, end);
}

const ENV: CelEnv = celEnv({
  funcs: [...strings, celMethod("extract", CelScalar.STRING, [CelScalar.STRING], CelScalar.STRING, extract)],
});

/** Special forms the planner implements itself (not in the function resolver). */
const SPECIAL_FORMS = new Set(["_&&_", "_||_", "_?_:_", "_[_]", "@not_strictly_false", "@not"]);

/** An expression that failed to compile: a configuration error. @public */
export class CelConfigError extends Error {
  override readonly name = "CelConfigError";
}

/** A compiled expression. @public */
export type CompiledCel = (bindings: Record<string, unknown>) => CelValue;

function walk(
  expr: Expr | undefined,
  scope: ReadonlySet<string>,
  variables: ReadonlySet<string>,
  source: string,
): void {
  if (!expr) return;
  const kind = expr.exprKind;
  switch (kind.case) {
    case "identExpr":
      if (!scope.has(kind.value.name) && !variables.has(kind.value.name)) {
        throw new CelConfigError(
          `unknown variable "${kind.value.name}" in ${JSON.stringify(source)}; available: ${[...variables].join(", ")}`,
        );
      }
      return;
    case "selectExpr":
      walk(kind.value.operand, scope, variables, source);
      return;
    case "callExpr": {
      const name = kind.value.function;
      if (!SPECIAL_FORMS.has(name) && ENV.funcs.find(name) === undefined) {
        throw new CelConfigError(`unsupported function "${name}" in ${JSON.stringify(source)}`);
      }
      walk(kind.value.target, scope, variables, source);
      for (const arg of kind.value.args) walk(arg, scope, variables, source);
      return;
    }
    case "listExpr":
      for (const element of kind.value.elements) walk(element, scope, variables, source);
      return;
    case "structExpr":
      if (kind.value.messageName !== "")
        throw new CelConfigError(`message construction is not supported in ${JSON.stringify(source)}`);
      for (const entry of kind.value.entries) {
        if (entry.keyKind.case === "mapKey") walk(entry.keyKind.value, scope, variables, source);
        walk(entry.value, scope, variables, source);
      }
      return;
    case "comprehensionExpr": {
      const c = kind.value;
      walk(c.iterRange, scope, variables, source);
      walk(c.accuInit, scope, variables, source);
      const inner = new Set([...scope, c.iterVar, c.accuVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
      walk(c.loopCondition, inner, variables, source);
      walk(c.loopStep, inner, variables, source);
      walk(c.result, inner, variables, source);
      return;
    }
    default:
      return;
  }
}

/**
 * Compiles a CEL expression that may only use `variables`.
 * @throws CelConfigError for a syntax error, an unknown function or variable.
 * @public
 */
export function compileCel(source: string, variables: readonly string[]): CompiledCel {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (cause) {
    throw new CelConfigError(`invalid CEL ${JSON.stringify(source)}: ${(cause as Error).message}`);
  }
  walk(parsed.expr, new Set(), new Set(variables), source);
  const run = plan(ENV, parsed);
  return (bindings) => {
    const input = Object.fromEntries(Object.entries(bindings).map(([k, v]) => [k, toCel(v)]));
    const result = run(input as never);
    if (isCelError(result)) throw result;
    return result;
  };
}

/** JSON claims → CEL inputs: objects become maps so missing keys are `has()`-testable. */
function toCel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCel);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, toCel(v)]));
  if (value !== null && typeof value === "object") {
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  }
  return value;
}

/**
 * CEL output → plain JS (strings and lists of strings are what mappings may produce).
 *
 * @example
 * ```ts
 * fromCel(compileCel("assertion.sub", ["assertion"])({ assertion: { sub: "s" } })); // "s"
 * ```
 * @public
 */
export function fromCel(value: CelValue): unknown {
  if (isCelList(value)) return [...value].map((item) => fromCel(item as CelValue));
  if (isCelMap(value))
    return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v as CelValue)]));
  if (typeof value === "bigint") return Number(value);
  return value;
}
