/**
 * The runtime fedkit is given instead of reaching for globals: fetch, the clock, randomness, the scheduler.
 *
 * @packageDocumentation
 */

/**
 * The narrow `fetch` fedkit needs: exactly what it calls. `globalThis.fetch` fits, and so does any test double.
 * @public
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Milliseconds since the epoch. Injected so tests can move time. @public */
export type Clock = () => number;

/** Fills the array with cryptographically random bytes (`crypto.getRandomValues`). @public */
export type RandomSource = (bytes: Uint8Array) => Uint8Array;

/**
 * Keeps work alive after the response is sent: Netlify's and Vercel's `context.waitUntil`, Cloudflare's
 * `ctx.waitUntil`. Edge isolates run no timers between requests, so background refreshes go through this.
 * @public
 */
export type Scheduler = (work: Promise<unknown>) => void;

/** A value or a promise of it: in-memory drivers answer synchronously, remote ones do not. @public */
export type MaybePromise<T> = T | Promise<T>;
