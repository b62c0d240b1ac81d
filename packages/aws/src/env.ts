/**
 * Reading configuration from the environment without assuming a runtime: edge isolates have no
 * `process.env`, Netlify exposes `Netlify.env.get`, Deno `Deno.env.get` (which can throw without
 * `--allow-env`).
 *
 * @packageDocumentation
 */

/** Looks up one environment variable; `undefined` when unset. @public */
export type EnvGetter = (name: string) => string | undefined;

/** Either a getter or a plain record (`process.env`, a test fixture). @public */
export type EnvInput = EnvGetter | Readonly<Record<string, string | undefined>>;

interface RuntimeGlobals {
  Netlify?: { env?: { get?: (name: string) => string | undefined } };
  Deno?: { env?: { get?: (name: string) => string | undefined } };
  process?: { env?: Record<string, string | undefined> };
}

function attempt(read: () => string | undefined): string | undefined {
  try {
    const value = read();
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    // Deno without --allow-env throws PermissionDenied: treat as unset rather than crash the isolate.
    return undefined;
  }
}

/**
 * The default {@link EnvGetter}: `Netlify.env.get`, then `Deno.env.get`, then `process.env`, each looked up
 * at call time and each allowed to be missing or to throw.
 *
 * @example
 * ```ts
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

/** Normalises an {@link EnvInput} (or nothing) to a getter. @internal */
export function toEnvGetter(env: EnvInput | undefined): EnvGetter {
  if (env === undefined) return defaultEnv;
  if (typeof env === "function") return (name) => attempt(() => env(name));
  return (name) => attempt(() => env[name]);
}
