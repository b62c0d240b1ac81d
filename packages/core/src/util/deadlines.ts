/**
 * Deadlines of requests in flight, checked by as few timers as the isolate needs. A timer per attempt
 * (`AbortSignal.timeout`) cost a warm signed request in Deno ~15 µs of CPU, most of it after the answer: the timer
 * stays queued for its whole 30 s once the answer has come, so a busy isolate held thousands. Here an attempt adds
 * its deadline to a set and removes it when its answer arrives; a timer is started only when no timer already
 * armed fires before the new deadline (an isolate with one timeout keeps one timer, re-armed once per timeout
 * period), and each timer that fires ends the attempts that are due and arms the next one needed.
 *
 * @packageDocumentation
 */
import { monotonicMs, startTimer, timersAreSignals } from "./time.js";

interface Deadline {
  /** When it is due, on the monotonic clock. */
  readonly at: number;
  readonly fire: () => void;
}

const pending = new Set<Deadline>();
// The times at which armed timers check `pending`: usually one.
const armed: number[] = [];

function arm(at: number, ms: number): void {
  armed.push(at);
  startTimer(ms, () => check(at));
}

/**
 * Whether an armed timer fires by `at`. A timer more than a second overdue never fired (its runtime dropped it): it
 * covers nothing and is forgotten, so one lost timer cannot leave every later deadline without one.
 */
function armedBy(at: number, now: number): boolean {
  for (let i = armed.length - 1; i >= 0; i--) if ((armed[i] as number) < now - 1_000) armed.splice(i, 1);
  return armed.some((t) => t <= at);
}

/** A timer armed for `at` fired: ends every attempt that is due, and arms a timer for the next one if none will. */
function check(at: number): void {
  const index = armed.indexOf(at);
  if (index >= 0) armed.splice(index, 1);
  const now = monotonicMs();
  const due: Deadline[] = [];
  let next = Infinity;
  for (const deadline of pending) {
    if (deadline.at <= now) due.push(deadline);
    else if (deadline.at < next) next = deadline.at;
  }
  // Removed before any fires: an ended attempt may start another (a retry), which must find the set settled.
  for (const deadline of due) pending.delete(deadline);
  // A timer may fire a fraction of a millisecond before the monotonic clock reaches its deadline: that deadline
  // is then `next`, and gets a timer of its own for the rest.
  if (next !== Infinity && !armed.some((t) => t <= next)) {
    arm(next, Math.max(0, Math.ceil(next - now)));
  }
  for (const deadline of due) deadline.fire();
}

/**
 * Calls `fire` after `ms` (less than 2^31) unless the returned function cancels it first, as
 * {@link startTimer} does; where timers are signals (Deno), with a timer shared by every deadline of the isolate: cancelling only forgets the
 * deadline, and a new deadline starts a timer only when no armed timer fires before it. A timer left armed once
 * nothing is pending fires once, finds nothing to do and arms none (and, like `AbortSignal.timeout`, keeps no
 * process alive).
 *
 * @example
 * ```ts
 * const cancel = startDeadline(30_000, () => controller.abort(new Error("no answer in 30 s")));
 * const response = await fetch(request);
 * cancel();
 * ```
 * @internal
 */
export function startDeadline(ms: number, fire: () => void): () => void {
  if (!timersAreSignals()) return startTimer(ms, fire);
  const now = monotonicMs();
  const deadline: Deadline = { at: now + ms, fire };
  pending.add(deadline);
  if (!armedBy(deadline.at, now)) arm(deadline.at, ms);
  return () => {
    pending.delete(deadline);
  };
}

/** How many deadlines are pending and timers armed (for tests). @internal */
export function deadlineCounts(): { readonly pending: number; readonly armed: number } {
  return { pending: pending.size, armed: armed.length };
}
