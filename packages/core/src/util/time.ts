/**
 * Time helpers: `Retry-After`, abortable sleeps, and a monotonic stopwatch for durations.
 *
 * @packageDocumentation
 */

/**
 * Parses an HTTP `Retry-After` value (delay seconds or an HTTP date) into milliseconds from `now`.
 * Returns `undefined` for a missing or unparsable value; a date in the past gives `0`.
 *
 * @example
 * ```ts
 * parseRetryAfter("2", Date.now()); // 2000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:58 GMT")); // 2000
 * ```
 * @public
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  const text = value?.trim() ?? "";
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only a date names a month or weekday: a bare number with a sign or a fraction is no Retry-After.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as `signal` aborts.
 * @internal
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Milliseconds on a monotonic clock, for durations that must not jump with the wall clock. @internal */
export function monotonicMs(): number {
  return globalThis.performance.now();
}

/**
 * Whether {@link startTimer} builds on `AbortSignal.timeout` (Deno), whose timer cannot be cancelled: it stays
 * queued for its whole time after its listener is removed. Elsewhere timers are `setTimeout`, cancelled for good.
 * @internal
 */
export function timersAreSignals(): boolean {
  return (
    typeof (globalThis as { Deno?: unknown }).Deno === "object" && typeof AbortSignal.timeout === "function"
  );
}

/**
 * Calls `fire` after `ms` unless the returned function cancels it first. In Deno it is built on
 * `AbortSignal.timeout`, not the global `setTimeout`: in Deno 2 the global `setTimeout` is Node's (its first call
 * loads the Node timers layer, ~4.5 ms of CPU on a fresh isolate, and each call makes a Node `Timeout` object),
 * while `AbortSignal.timeout` is the runtime's own web timer. Everywhere else it is `setTimeout`: Node's
 * `AbortSignal.timeout` costs ~10 µs of CPU per signal (a weak reference and a finalization record each, and the
 * timer stays scheduled after the listener is gone), its `setTimeout` well under 1 µs and cancellable. Node's
 * timer is unref'd; Deno's holds the process while its listener is on, so cancel it once the work it guards is
 * done (util/deadlines.ts shares timers, and lets go of them whenever no deadline is pending). `ms` of 2^31 or
 * more (`Infinity`) sets no timer.
 * @internal
 */
export function startTimer(ms: number, fire: () => void): () => void {
  // Timers treat anything beyond 2^31-1 ms as 1 ms (Node) or refuse it: a longer wait is no timer at all.
  if (!(ms < 2 ** 31)) return () => {};
  if (!timersAreSignals()) {
    const timer = setTimeout(fire, ms) as { unref?: () => void };
    timer.unref?.();
    return () => clearTimeout(timer as Parameters<typeof clearTimeout>[0]);
  }
  const signal = AbortSignal.timeout(ms);
  signal.addEventListener("abort", fire, { once: true });
  // Removing the listener lets the runtime drop the signal.
  return () => signal.removeEventListener("abort", fire);
}
