/**
 * Finds the environment variables a site's code reads, so `.env.example` is derived from the code rather than
 * kept as a second list by hand. It recognises the forms the samples and `@fedkit/netlify` use: `env("NAME")`
 * (also `env(option ?? "NAME")`), `Netlify.env.get("NAME")`, `Deno.env.get("NAME")`, `process.env.NAME`,
 * `process.env["NAME"]`, a Worker's bindings (`env.NAME`, or `NAME: string;` in its `Env` interface), and a variable's name held for a later `env(variable)`: `keysVariable ?? "NAME"` or a
 * parameter default `variable = "NAME"` (how `@fedkit/netlify` and `@fedkit/issuer` name their key variables).
 *
 * @example
 * ```ts
 * scanEnvNames('const url = env("REPORTS_BUCKET_URL") ?? "https://s3.eu-west-1.amazonaws.com/b";');
 * // ["REPORTS_BUCKET_URL"]
 * ```
 * @public
 */
export function scanEnvNames(source: string): string[] {
  const names = new Set<string>();
  for (const pattern of PATTERNS) {
    for (const match of source.matchAll(pattern)) names.add(match[1]!);
  }
  return [...names].sort();
}

const NAME = "([A-Z][A-Z0-9_]*)";
const PATTERNS: readonly RegExp[] = [
  // env("NAME"), env(config.keysVariable ?? "NAME"), Netlify.env.get("NAME"), Deno.env.get("NAME")
  new RegExp(`\\benv(?:\\.get)?\\(\\s*(?:[\\w.]+\\s*\\?\\?\\s*)?["'\`]${NAME}["'\`]`, "g"),
  new RegExp(`\\bprocess\\.env\\.${NAME}\\b`, "g"),
  // A Cloudflare Worker's string bindings, declared in its Env interface: `  NAME?: string;`
  new RegExp(`^\\s+${NAME}\\??:\\s*string\\s*;`, "gm"),
  // A Cloudflare Worker's bindings: env.NAME
  new RegExp(`(?<![\\w$.])env\\.${NAME}\\b`, "g"),
  // const variable = config.keysVariable ?? "NAME"; function f(variable = "NAME")
  new RegExp(`\\b\\w*[vV]ariable\\s*(?:\\?\\?|=)\\s*["'\`]${NAME}["'\`]`, "g"),
  new RegExp(`\\bprocess\\.env\\[\\s*["'\`]${NAME}["'\`]\\s*\\]`, "g"),
];
