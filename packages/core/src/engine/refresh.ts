/**
 * Refresh scheduling: a hit on credentials past their refresh time starts one background exchange, which no
 * caller waits for. A refresh that fails holds further refreshes of that key until the failure memory allows
 * another attempt, so hits during an outage cost nothing more than hits.
 *
 * @packageDocumentation
 */
import type { CacheEntry, Provider, SubjectToken } from "../types.js";
import { setBounded } from "../util/maps.js";
import { coordinatedExchange } from "./coordinate.js";
import type { GetCredentialsOptions } from "./options.js";
import type { Runtime } from "./runtime.js";
import type { SingleFlight } from "./single-flight.js";

/** Starts background refreshes of one federation. @internal */
export type RefreshStarter = (
  provider: Provider,
  token: SubjectToken,
  key: string,
  call: GetCredentialsOptions,
) => void;

/**
 * Returns the function that starts a refresh of `key` unless one is under way or held. It never throws and
 * never blocks the caller.
 * @internal
 */
export function refreshScheduler(rt: Runtime, flights: SingleFlight<CacheEntry>): RefreshStarter {
  const { failures, now } = rt;
  /** Keys whose background refresh failed recently: hits skip starting another until this time. */
  const holds = new Map<string, number>();
  return (provider, token, key, call) => {
    if (flights.has(key) || now() < (holds.get(key) ?? -Infinity)) return;
    const flight = flights.run(key, () =>
      // Deferred to a microtask so not even the synchronous start of the exchange runs on the caller's path.
      Promise.resolve().then(() => {
        const remembered = failures.check(failures.keysOf(provider, token, key), now());
        // Backing off: the held credentials are still served; a caller that waits for this flight sees why.
        if (remembered !== undefined) {
          setBounded(holds, key, remembered.until, 1024);
          throw failures.refusal(remembered, now());
        }
        return coordinatedExchange(rt, provider, token, key, "refresh", call);
      }),
    );
    flight.then(
      () => holds.delete(key),
      () => {
        // The failure memory decides when to try again; until then hits do not even start a refresh.
        const t = now();
        if (!((holds.get(key) ?? 0) > t)) setBounded(holds, key, t + rt.policy.negativeTtlMs, 1024);
      },
    );
    rt.track(flight, call.scheduler);
  };
}
