/**
 * Single flight: at most one pending piece of work per key in this isolate; callers of a key with work under way
 * join it instead of starting their own.
 *
 * @packageDocumentation
 */

/** One pending promise per key, forgotten when it settles. @internal */
export class SingleFlight<T> {
  private readonly flights = new Map<string, Promise<T>>();

  /** Whether work for `key` is under way. */
  has(key: string): boolean {
    return this.flights.has(key);
  }

  /**
   * The pending work for `key`, or the work `start` begins. `start` runs synchronously, before this returns,
   * so no other caller can register in between: the first cold caller starts, the rest join.
   */
  run(key: string, start: () => Promise<T>): Promise<T> {
    const pending = this.flights.get(key);
    if (pending !== undefined) return pending;
    const flight = start();
    this.flights.set(key, flight);
    const done = () => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    };
    flight.then(done, done);
    return flight;
  }
}
