/**
 * Reading the Azure SDK's environment conventions on any runtime.
 *
 * @packageDocumentation
 */

/** Returns the environment as a plain record. Injected so tests and edge runtimes control it. @public */
export type EnvGetter = () => Readonly<Record<string, string | undefined>>;

interface RuntimeGlobals {
  Netlify?: { env?: { toObject?: () => Record<string, string> } };
  Deno?: { env?: { toObject?: () => Record<string, string> } };
  process?: { env?: Record<string, string | undefined> };
}

/**
 * The environment of the current runtime, looked up at call time: `Netlify.env` on Netlify Edge, `Deno.env`
 * on Deno (an empty record without `--allow-env`), `process.env` on Node and Bun, else empty.
 * @internal
 */
export function runtimeEnv(): Readonly<Record<string, string | undefined>> {
  const g = globalThis as RuntimeGlobals;
  for (const read of [() => g.Netlify?.env?.toObject?.(), () => g.Deno?.env?.toObject?.()]) {
    try {
      const env = read();
      if (env !== undefined) return env;
    } catch {
      // Deno without env permission throws; fall through to the next runtime.
    }
  }
  return g.process?.env ?? {};
}

/** Reads one non-empty, trimmed variable. @internal */
export function readEnv(env: EnvGetter, name: string): string | undefined {
  const value = env()[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}
