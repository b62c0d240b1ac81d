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

/**
 * Reads an environment variable from `Netlify.env`, else `Deno.env`, else `process.env`, at call time. Only the
 * first runtime present is asked: touching `globalThis.process` in Deno loads its Node compatibility layer,
 * which costs tens of milliseconds of cold start.
 * @public
 */
export function platformEnv(name: string): string | undefined {
  // `g.process` is read only when neither Netlify nor Deno is present (never destructure it up front).
  const g = globalThis as PlatformGlobals;
  try {
    const value = g.Netlify?.env?.get
      ? g.Netlify.env.get(name)
      : g.Deno?.env?.get
        ? g.Deno.env.get(name)
        : g.process?.env?.[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    // Deno without --allow-env throws; treat as unset.
    return undefined;
  }
}
