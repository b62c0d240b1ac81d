import type { RequestContext } from "./types.js";

/**
 * The request context with case-insensitive keys, every value as a list; a key with no value (or an empty list)
 * is absent, as IAM treats it.
 * @internal
 */
export class ContextView {
  readonly #values = new Map<string, readonly string[]>();

  constructor(context: RequestContext) {
    for (const [key, value] of Object.entries(context)) {
      if (value === undefined) continue;
      const list = typeof value === "string" ? [value] : value;
      if (list.length > 0) this.#values.set(key.toLowerCase(), list);
    }
  }

  get(key: string): readonly string[] | undefined {
    return this.#values.get(key.toLowerCase());
  }
}

/** A piece of a resolved template: literal text, or IAM's `*` / `?` wildcard. @internal */
export type Token = { readonly text: string } | "*" | "?";

const ESCAPES: Readonly<Record<string, string>> = { "*": "*", "?": "?", $: "$" };

/**
 * Resolves a policy string: `${key}` / `${key, 'default'}` become the (single) context value, `${*}` `${?}` `${$}`
 * the literal character, and bare `*` `?` stay wildcards. Substituted values are literal text, never wildcards, so a
 * tag value of `*` cannot widen a grant. Returns `undefined` when a variable has no single value and no default,
 * which makes the element not match, as in IAM. Without `variables` (policy Version 2008-10-17) `${...}` is literal.
 * @internal
 */
export function resolveTemplate(template: string, ctx: ContextView, variables: boolean): Token[] | undefined {
  const tokens: Token[] = [];
  let text = "";
  const flush = () => {
    if (text) tokens.push({ text });
    text = "";
  };
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (variables && c === "$" && template[i + 1] === "{") {
      const end = template.indexOf("}", i + 2);
      if (end !== -1) {
        const inner = template.slice(i + 2, end);
        const value = resolveVariable(inner, ctx);
        if (value === undefined) return undefined;
        text += value;
        i = end;
        continue;
      }
    }
    if (c === "*" || c === "?") {
      flush();
      tokens.push(c);
    } else text += c;
  }
  flush();
  return tokens;
}

function resolveVariable(inner: string, ctx: ContextView): string | undefined {
  const escaped = ESCAPES[inner.trim()];
  if (escaped) return escaped;
  const match = /^\s*([^,]+?)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inner);
  if (!match) return undefined;
  const values = ctx.get(match[1]!);
  if (values?.length === 1) return values[0]!;
  return match[2];
}

/** The template as plain text (wildcards kept as characters), for the equality operators. @internal */
export function tokensToText(tokens: readonly Token[]): string {
  return tokens.map((t) => (typeof t === "string" ? t : t.text)).join("");
}

const regexCache = new Map<string, RegExp>();

/** Whether `value` matches the wildcard tokens (`*` any run, `?` one character). @internal */
export function matchTokens(tokens: readonly Token[], value: string, ignoreCase: boolean): boolean {
  // Fast path for the most common pattern, a lone "*".
  if (tokens.length === 1 && tokens[0] === "*") return true;
  const source = tokens
    .map((t) => (t === "*" ? ".*" : t === "?" ? "." : t.text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&")))
    .join("");
  const key = `${ignoreCase ? "i" : "s"}${source}`;
  let re = regexCache.get(key);
  if (!re) {
    re = new RegExp(`^${source}$`, ignoreCase ? "isu" : "su");
    if (regexCache.size > 2000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re.test(value);
}
