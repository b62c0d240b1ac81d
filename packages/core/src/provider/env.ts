/**
 * The one environment reader every provider (and adapter) uses: edge isolates have no `process.env`, Netlify
 * exposes `Netlify.env.get`, Deno `Deno.env.get` (which throws without `--allow-env`). Nothing is read at import
 * time, so importing this module is safe on every runtime.
 *
 * @packageDocumentation
 */

/** Looks up one environment variable; `undefined` when unset. @public */
export type EnvGetter = (name: string) => string | undefined;

/** A plain record of variables (`process.env`, a test fixture). @public */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/**
 * Where a provider reads its variables from: a getter, a plain record, or (the form `@fedkit/azure` took before
 * this was unified) a function returning a record. Normalise with {@link toEnvGetter}.
 * @public
 */
export type EnvInput = EnvGetter | EnvRecord | (() => EnvRecord);

interface RuntimeGlobals {
  Netlify?: { env?: { get?: (name: string) => string | undefined } };
  Deno?: { env?: { get?: (name: string) => string | undefined } };
  process?: { env?: Record<string, string | undefined> };
}

/** A variable's value trimmed, or `undefined` when unset, blank, not a string, or when reading it threw. */
function attempt(read: () => unknown): string | undefined {
  try {
    const value = read();
    return typeof value === "string" ? value.trim() || undefined : undefined;
  } catch {
    // Deno without --allow-env throws PermissionDenied: treat as unset rather than crash the isolate.
    return undefined;
  }
}

/**
 * The default {@link EnvGetter}: `Netlify.env.get`, then `Deno.env.get`, then `process.env`, each looked up at
 * call time and each allowed to be missing or to throw. Values are trimmed; a blank value counts as unset.
 *
 * @example
 * ```ts
 * import { defaultEnv } from "@fedkit/core/provider";
 * defaultEnv("AWS_REGION"); // "eu-west-1" on a site with AWS_REGION set, undefined elsewhere
 * ```
 * @public
 */
export function defaultEnv(name: string): string | undefined {
  const g = globalThis as RuntimeGlobals;
  return (
    attempt(() => g.Netlify?.env?.get?.(name)) ??
    attempt(() => g.Deno?.env?.get?.(name)) ??
    attempt(() => g.process?.env?.[name])
  );
}

/**
 * Normalises an {@link EnvInput} (or nothing: the runtime's environment) to one getter with the same rules as
 * {@link defaultEnv}: trimmed, blank is unset, a getter that throws reads as unset.
 *
 * @example
 * ```ts
 * import { toEnvGetter } from "@fedkit/core/provider";
 * const env = toEnvGetter({ AZURE_CLIENT_ID: " 0000 " });
 * env("AZURE_CLIENT_ID"); // "0000"
 * ```
 * @public
 */
export function toEnvGetter(env: EnvInput | undefined): EnvGetter {
  if (env === undefined) return defaultEnv;
  if (typeof env !== "function") return (name) => attempt(() => env[name]);
  return (name) =>
    attempt(() => {
      const value: unknown = (env as (name: string) => unknown)(name);
      // The record-returning form: index the record it returns.
      return value !== null && typeof value === "object" ? (value as EnvRecord)[name] : value;
    });
}
