/**
 * Single flight: at most one pending piece of work per key in this isolate; callers of a key with work under way
 * join it instead of starting their own.
 *
 * @packageDocumentation
 */

/** One pending promise per key, forgotten when it settles. @internal */
export type SingleFlight<T> = ReturnType<typeof singleFlight<T>>;

/** Creates an empty single-flight table. @internal */
export function singleFlight<T>() {
  const flights = new Map<string, Promise<T>>();
  return {
    /** Whether work for `key` is under way. */
    has: (key: string) => flights.has(key),
    /**
     * The pending work for `key`, or the work `start` begins. `start` runs synchronously, before this returns,
     * so no other caller can register in between: the first cold caller starts, the rest join.
     */
    run(key: string, start: () => Promise<T>): Promise<T> {
      const pending = flights.get(key);
      if (pending !== undefined) return pending;
      const flight = start();
      flights.set(key, flight);
      const done = () => flights.get(key) === flight && flights.delete(key);
      flight.then(done, done);
      return flight;
    },
  };
}
