/**
 * The object {@link exchangeContext} returns, and the deadline signal it makes for a provider that asks for one.
 *
 * @packageDocumentation
 */
import type { CountingExchangeContext } from "./http.js";
import type { Clock, HttpRequest, HttpResponse, RandomSource } from "./types.js";
import { startTimer, timersAreSignals } from "./util/time.js";

/** What a context's getters read: the deadline signal once made, and the attempts `send` counted. @internal */
export interface ContextState {
  signal: AbortSignal | undefined;
  attempts: number;
  readonly deadline: () => AbortSignal;
}

/**
 * The context object: data and `send` as own properties (`send` works taken off it), `signal` and `attempts` as
 * getters on the class. Not an object literal with getters: on Node that costs ~1.5 µs to create, once per
 * exchange, against ~30 ns for an instance.
 * @internal
 */
export class Context implements CountingExchangeContext {
  readonly #state: ContextState;
  constructor(
    readonly now: Clock,
    readonly random: RandomSource,
    readonly correlationId: string,
    state: ContextState,
    readonly send: (request: HttpRequest) => Promise<HttpResponse>,
  ) {
    this.#state = state;
  }

  get signal(): AbortSignal {
    this.#state.signal ??= this.#state.deadline();
    return this.#state.signal;
  }

  get attempts(): number {
    return this.#state.attempts;
  }
}

/**
 * The deadline (`ms` from now) as a signal that the caller's abort ends too, whichever comes first, with that one's
 * reason (the deadline's is a `TimeoutError`, as `AbortSignal.timeout` gives). In Deno it is the runtime's own
 * `AbortSignal.timeout`: its timer holds the process only while something listens (a fetch in flight), where a
 * controller aborted by a listening timer would keep a `deno run` script alive until the deadline, long after its
 * work is done. Elsewhere a controller aborted by a timer ({@link startTimer}: unref'd; none for 2^31 ms or more).
 * Joined to the caller's signal by `AbortSignal.any`, which holds it weakly: a caller's signal reused for many
 * exchanges gathers no listeners. Vercel's Edge Runtime 4.0.1 has no `AbortSignal.any`: there a listener does it,
 * left on that caller's signal until it aborts or is collected.
 * @internal
 */
export function deadlineSignal(ms: number, caller: AbortSignal | undefined): AbortSignal {
  const wait = Math.max(1, Math.ceil(ms));
  if (timersAreSignals() && wait < 2 ** 31) {
    const deadline = AbortSignal.timeout(wait);
    return caller ? AbortSignal.any([caller, deadline]) : deadline;
  }
  const controller = new AbortController();
  startTimer(wait, () => controller.abort(new DOMException("The deadline passed.", "TimeoutError")));
  if (!caller) return controller.signal;
  if (typeof AbortSignal.any === "function") return AbortSignal.any([caller, controller.signal]);
  const abort = () => controller.abort(caller.reason);
  if (caller.aborted) abort();
  else caller.addEventListener("abort", abort, { once: true });
  return controller.signal;
}
