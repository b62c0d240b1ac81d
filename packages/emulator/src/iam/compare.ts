import { type ContextView, matchTokens, resolveTemplate, type Token, tokensToText } from "./context.js";
import type { ParsedOperator } from "./operators.js";

/**
 * Whether one request value matches one policy value under an operator's family and kind, ignoring negation.
 * `undefined` when the policy value has an unresolvable variable.
 * @internal
 */
export function compareValue(
  op: ParsedOperator,
  contextValue: string,
  policyValue: string,
  ctx: ContextView,
  variables: boolean,
): boolean | undefined {
  switch (op.family) {
    case "string": {
      const tokens = resolveTemplate(policyValue, ctx, variables);
      if (!tokens) return undefined;
      if (op.kind === "like") return matchTokens(tokens, contextValue, false);
      const expected = tokensToText(tokens);
      return op.kind === "equalsIgnoreCase"
        ? expected.toLowerCase() === contextValue.toLowerCase()
        : expected === contextValue;
    }
    case "arn": {
      const tokens = resolveTemplate(policyValue, ctx, variables);
      return tokens ? arnLike(tokens, contextValue) : undefined;
    }
    case "numeric":
      return ordered(op, parseNumber(contextValue), parseNumber(policyValue));
    case "date":
      return ordered(op, parseDate(contextValue), parseDate(policyValue));
    case "bool":
      return contextValue.toLowerCase() === policyValue.toLowerCase();
    case "binary":
      return contextValue === policyValue;
    case "ip":
      return ipInCidr(contextValue, policyValue);
    case "null":
      return false;
  }
}

function ordered(op: ParsedOperator, a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  switch (op.kind) {
    case "lt":
      return a < b;
    case "lte":
      return a <= b;
    case "gt":
      return a > b;
    case "gte":
      return a >= b;
    default:
      return a === b;
  }
}

function parseNumber(value: string): number | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(value)) return undefined;
  return Number(value);
}

/** ISO 8601 date/time or epoch seconds, as IAM's Date operators accept. */
function parseDate(value: string): number | undefined {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * ArnLike/ArnEquals: both ARNs split into their six colon-separated parts, each part matched on its own with
 * wildcards (the last part, the resource, may itself contain colons).
 */
function arnLike(pattern: readonly Token[], arn: string): boolean {
  const patternParts = splitArn(tokensWithColons(pattern));
  const valueParts = splitArnText(arn);
  if (!patternParts || !valueParts) return false;
  return patternParts.every((part, i) => matchTokens(part, valueParts[i]!, false));
}

function tokensWithColons(tokens: readonly Token[]): Token[] {
  const out: Token[] = [];
  for (const t of tokens) {
    if (typeof t === "string") out.push(t);
    else for (const piece of t.text.split(/(:)/)) if (piece) out.push({ text: piece });
  }
  return out;
}

function splitArn(tokens: readonly Token[]): Token[][] | undefined {
  const parts: Token[][] = [[]];
  for (const t of tokens) {
    if (typeof t !== "string" && t.text === ":" && parts.length < 6) parts.push([]);
    else parts[parts.length - 1]!.push(t);
  }
  return parts.length === 6 && tokensToText(parts[0]!) !== "" ? parts : undefined;
}

function splitArnText(arn: string): string[] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") return undefined;
  return [...parts.slice(0, 5), parts.slice(5).join(":")];
}

function ipToBigInt(ip: string): { value: bigint; bits: number } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    const octets = ip.split(".").map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n), bits: 32 };
  }
  if (!ip.includes(":") || !/^[0-9a-fA-F:]+$/.test(ip)) return undefined;
  const [head = "", tail, extra] = ip.split("::");
  if (extra !== undefined) return undefined;
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const missing = 8 - h.length - t.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...h, ...Array<string>(missing).fill("0"), ...t];
  if (groups.some((g) => g.length === 0 || g.length > 4)) return undefined;
  return { value: groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n), bits: 128 };
}

function ipInCidr(ip: string, cidr: string): boolean {
  const [range = "", prefixText] = cidr.split("/");
  const addr = ipToBigInt(ip);
  const net = ipToBigInt(range);
  if (!addr || !net || addr.bits !== net.bits) return false;
  const prefix = prefixText === undefined ? net.bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > net.bits) return false;
  const shift = BigInt(net.bits - prefix);
  return addr.value >> shift === net.value >> shift;
}
