/**
 * Refresh scheduling: a hit on credentials past their refresh time starts one background exchange, which no
 * caller waits for. A refresh that fails holds further refreshes of that key until the failure memory allows
 * another attempt, so hits during an outage cost nothing more than hits.
 *
 * @packageDocumentation
 */
import type { CacheEntry, Provider, SubjectToken } from "../types.js";
import { coordinatedExchange } from "./coordinate.js";
import type { GetCredentialsOptions } from "./options.js";
import type { Runtime } from "./runtime.js";
import type { SingleFlight } from "./single-flight.js";

/** Most keys whose refresh is held at once; the oldest hold goes first. */
const MAX_HOLDS = 1024;

/** Starts background refreshes for one federation. @internal */
export class RefreshScheduler {
  /** Keys whose background refresh failed recently: hits skip starting another until this time. */
  private readonly holds = new Map<string, number>();

  constructor(
    private readonly rt: Runtime,
    private readonly flights: SingleFlight<CacheEntry>,
  ) {}

  /** Starts a refresh of `key` unless one is under way or held. Never throws, never blocks the caller. */
  start(provider: Provider, token: SubjectToken, key: string, call: GetCredentialsOptions): void {
    const { rt, holds } = this;
    if (this.flights.has(key)) return;
    const hold = holds.get(key);
    if (hold !== undefined && rt.now() < hold) return;
    const flight = this.flights.run(key, () =>
      // Deferred to a microtask so not even the synchronous start of the exchange runs on the caller's path.
      Promise.resolve().then(async () => {
        const remembered = rt.failures.check(await rt.failures.keysOf(provider, token, key), rt.now());
        // Backing off: the held credentials are still served; a caller that waits for this flight sees why.
        if (remembered !== undefined) {
          holds.set(key, rt.now() + remembered.retryInMs);
          throw rt.failures.refusal(remembered);
        }
        return coordinatedExchange(rt, provider, token, key, "refresh", call);
      }),
    );
    flight.then(
      () => holds.delete(key),
      () => {
        // The failure memory decides when to try again; until then hits do not even start a refresh.
        const until = holds.get(key);
        if (until === undefined || until <= rt.now()) holds.set(key, rt.now() + rt.policy.negativeTtlMs);
        while (holds.size > MAX_HOLDS) holds.delete(holds.keys().next().value as string);
      },
    );
    rt.track(flight, call.scheduler);
  }
}
