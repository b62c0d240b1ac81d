/**
 * The condition operators IAM knows, split into their parts (`ForAllValues:` set prefix, base, `IfExists`).
 */

/** Which family a base operator belongs to; decides how values are compared. @internal */
export type OperatorFamily = "string" | "arn" | "numeric" | "date" | "bool" | "binary" | "ip" | "null";

interface BaseOperator {
  readonly family: OperatorFamily;
  /** `Not...` operators: true when no policy value matches. */
  readonly negated: boolean;
  readonly kind: "equals" | "equalsIgnoreCase" | "like" | "lt" | "lte" | "gt" | "gte";
}

const op = (family: OperatorFamily, kind: BaseOperator["kind"], negated = false): BaseOperator => ({
  family,
  kind,
  negated,
});

/** Base operators, keyed in lower case (IAM accepts operator names case-insensitively). */
const BASE: ReadonlyMap<string, BaseOperator> = new Map([
  ["stringequals", op("string", "equals")],
  ["stringnotequals", op("string", "equals", true)],
  ["stringequalsignorecase", op("string", "equalsIgnoreCase")],
  ["stringnotequalsignorecase", op("string", "equalsIgnoreCase", true)],
  ["stringlike", op("string", "like")],
  ["stringnotlike", op("string", "like", true)],
  ["arnequals", op("arn", "like")],
  ["arnlike", op("arn", "like")],
  ["arnnotequals", op("arn", "like", true)],
  ["arnnotlike", op("arn", "like", true)],
  ["numericequals", op("numeric", "equals")],
  ["numericnotequals", op("numeric", "equals", true)],
  ["numericlessthan", op("numeric", "lt")],
  ["numericlessthanequals", op("numeric", "lte")],
  ["numericgreaterthan", op("numeric", "gt")],
  ["numericgreaterthanequals", op("numeric", "gte")],
  ["dateequals", op("date", "equals")],
  ["datenotequals", op("date", "equals", true)],
  ["datelessthan", op("date", "lt")],
  ["datelessthanequals", op("date", "lte")],
  ["dategreaterthan", op("date", "gt")],
  ["dategreaterthanequals", op("date", "gte")],
  ["bool", op("bool", "equals")],
  ["binaryequals", op("binary", "equals")],
  ["ipaddress", op("ip", "equals")],
  ["notipaddress", op("ip", "equals", true)],
  ["null", op("null", "equals")],
]);

/** A parsed operator name. @internal */
export interface ParsedOperator extends BaseOperator {
  readonly name: string;
  readonly set: "any" | "all" | undefined;
  readonly ifExists: boolean;
}

/**
 * Splits `ForAllValues:StringLikeIfExists` into its parts; `undefined` when IAM would not accept the name.
 * @internal
 */
export function parseOperator(name: string): ParsedOperator | undefined {
  let rest = name;
  let set: ParsedOperator["set"];
  const colon = rest.indexOf(":");
  if (colon !== -1) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === "forallvalues") set = "all";
    else if (prefix === "foranyvalue") set = "any";
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let base = BASE.get(rest.toLowerCase());
  if (!base && rest.toLowerCase().endsWith("ifexists")) {
    ifExists = true;
    base = BASE.get(rest.slice(0, -"ifexists".length).toLowerCase());
  }
  if (!base) return undefined;
  // IAM rejects NullIfExists and set operators on Null: both are meaningless.
  if (base.family === "null" && (ifExists || set)) return undefined;
  return { ...base, name, set, ifExists };
}
