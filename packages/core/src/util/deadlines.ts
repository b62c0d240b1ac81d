/**
 * Deadlines of requests in flight, checked by as few timers as the isolate needs. A timer per attempt
 * (`AbortSignal.timeout`) cost a warm signed request in Deno ~15 µs of CPU, most of it after the answer: the timer
 * stays queued for its whole 30 s once the answer has come, so a busy isolate held thousands. Here an attempt adds
 * its deadline to a set and removes it when its answer arrives; a timer is started only when no timer already
 * armed fires before the new deadline (an isolate with one timeout keeps one timer, re-armed once per timeout
 * period), and each timer that fires ends the attempts that are due and arms the next one needed.
 *
 * Deno keeps a process alive while a timeout signal has an `abort` listener, and only then. So the armed timers
 * are listened to only while a deadline is pending: once the last one is settled their listeners are removed
 * (a `deno run` script exits as soon as its work is done, not when the shared timer would have fired), and the
 * next deadline listens to them again, which costs two listener calls where a new timer would cost ~15 µs.
 *
 * @packageDocumentation
 */
import { monotonicMs, startTimer, timersAreSignals } from "./time.js";

interface Deadline {
  /** When it is due, on the monotonic clock. */
  readonly at: number;
  readonly fire: () => void;
}

/** A shared timer: the runtime's timeout signal and the listener that checks the pending deadlines. */
interface Timer {
  /** When it fires, on the monotonic clock. */
  readonly at: number;
  readonly signal: AbortSignal;
  readonly check: () => void;
}

const pending = new Set<Deadline>();
// The timers armed and not yet fired: usually one.
const armed: Timer[] = [];
// Whether the armed timers have their listeners (exactly when a deadline is pending).
let listening = false;

function arm(at: number, ms: number): void {
  // No timer waits 2^31 ms or more (see startTimer): such a deadline is no deadline.
  if (!(ms < 2 ** 31)) return;
  const timer: Timer = { at, signal: AbortSignal.timeout(ms), check: () => check(timer) };
  armed.push(timer);
  timer.signal.addEventListener("abort", timer.check);
}

/**
 * Listens to the armed timers (`on`: a deadline is pending) or lets go of them (nothing is: they stay queued, as
 * they cannot be cancelled, but no longer hold the process). A timer that fired while nobody listened is forgotten.
 */
function hold(on: boolean): void {
  listening = on;
  for (let i = armed.length - 1; i >= 0; i--) {
    const timer = armed[i] as Timer;
    if (!on) timer.signal.removeEventListener("abort", timer.check);
    else if (timer.signal.aborted) armed.splice(i, 1);
    else timer.signal.addEventListener("abort", timer.check);
  }
}

/**
 * Whether an armed timer fires by `at`. A timer more than a second overdue never fired (its runtime dropped it): it
 * covers nothing and is forgotten, so one lost timer cannot leave every later deadline without one.
 */
function armedBy(at: number, now: number): boolean {
  for (let i = armed.length - 1; i >= 0; i--) if ((armed[i] as Timer).at < now - 1_000) armed.splice(i, 1);
  return armed.some((t) => t.at <= at);
}

/** A timer fired: ends every attempt that is due, and arms a timer for the next one if none will. */
function check(timer: Timer): void {
  const index = armed.indexOf(timer);
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
  if (pending.size === 0) hold(false);
  // A timer may fire a fraction of a millisecond before the monotonic clock reaches its deadline: that deadline
  // is then `next`, and gets a timer of its own for the rest.
  else if (!armed.some((t) => t.at <= next)) arm(next, Math.max(0, Math.ceil(next - now)));
  for (const deadline of due) deadline.fire();
}

/**
 * Calls `fire` after `ms` (less than 2^31) unless the returned function cancels it first, as
 * {@link startTimer} does; where timers are signals (Deno), with a timer shared by every deadline of the isolate:
 * cancelling forgets the deadline, a new deadline starts a timer only when no armed timer fires before it, and
 * while no deadline is pending no timer holds the process alive.
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
  if (!listening) hold(true);
  pending.add(deadline);
  if (!armedBy(deadline.at, now)) arm(deadline.at, ms);
  return () => {
    if (pending.delete(deadline) && pending.size === 0) hold(false);
  };
}

/**
 * How many deadlines are pending, timers armed (queued, not yet fired), and of those how many have their
 * listener (and so hold a Deno process alive); for tests. @internal
 */
export function deadlineCounts(): {
  readonly pending: number;
  readonly armed: number;
  readonly listened: number;
} {
  const live = armed.filter((t) => !t.signal.aborted).length;
  return { pending: pending.size, armed: live, listened: listening ? live : 0 };
}
