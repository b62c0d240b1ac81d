/**
 * The few Netlify platform types the adapter needs, declared locally (as hono does) instead of importing a
 * platform package: the edge/function `Context` and the `Netlify` global.
 *
 * @packageDocumentation
 */

/** The parts of Netlify's `Context` (edge functions and Functions v2) fedkit reads. @public */
export interface NetlifyContext {
  readonly requestId?: string;
  readonly site?: { readonly id?: string; readonly name?: string; readonly url?: string };
  readonly deploy?: { readonly context?: string; readonly id?: string; readonly published?: boolean };
  /** Keeps work alive after the response (present in `@netlify/edge-functions-dev` 1.0.24 and in production). */
  readonly waitUntil?: (promise: Promise<unknown>) => void;
}

interface PlatformGlobals {
  Netlify?: { env?: { get?: (name: string) => string | undefined } };
  Deno?: { env?: { get?: (name: string) => string | undefined } };
  process?: { env?: Record<string, string | undefined> };
}

function read(get: () => string | undefined): string | undefined {
  try {
    const value = get();
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    // Deno without --allow-env throws; treat as unset.
    return undefined;
  }
}

/**
 * Reads an environment variable from `Netlify.env`, then `Deno.env`, then `process.env`, at call time.
 * @public
 */
export function platformEnv(name: string): string | undefined {
  const g = globalThis as PlatformGlobals;
  return (
    read(() => g.Netlify?.env?.get?.(name)) ??
    read(() => g.Deno?.env?.get?.(name)) ??
    read(() => g.process?.env?.[name])
  );
}
