/**
 * Cross-isolate single flight. Within one isolate the engine shares one pending exchange per key; across
 * isolates a cache with {@link CacheCoordination} (Redis `SET NX PX`) lets one isolate exchange while the
 * others wait a bounded time for its entry, then exchange themselves if it never comes.
 *
 * @packageDocumentation
 */
import type { CacheCoordination, CacheEntry, CacheOutcome, Provider, SubjectToken } from "../types.js";
import { monotonicMs, sleep } from "../util/time.js";
import { runExchange } from "./exchange.js";
import type { GetCredentialsOptions } from "./options.js";
import type { Runtime } from "./runtime.js";

/** An entry another isolate stored that serves this call: valid, and for a refresh, newer than the due one. */
async function usableEntry(rt: Runtime, key: string): Promise<CacheEntry | undefined> {
  const entry = await Promise.resolve(rt.cache.get(key)).catch(() => undefined);
  const t = rt.now();
  return entry && t < entry.expiresAt - rt.policy.safetyMarginMs && t < entry.refreshAt ? entry : undefined;
}

/** Marks a lease request that failed (store down): exchange without coordination. */
const NO_STORE = Symbol("no-store");

/**
 * Runs the exchange for `key` under the cache's lease when it offers one: the holder re-reads the cache (an
 * isolate may have stored while this one missed), exchanges, stores and releases. A follower polls the cache
 * every `pollMs` for up to `waitMs`, asking for the lease again each time, so a holder that failed (and
 * released) or crashed (and its lease expired) hands over at once. Without coordination, or if the store cannot
 * be asked, it is a plain exchange.
 * @internal
 */
export function coordinatedExchange(
  rt: Runtime,
  provider: Provider,
  token: SubjectToken,
  key: string,
  outcome: CacheOutcome,
  call: GetCredentialsOptions,
): Promise<CacheEntry> {
  const exchange = () => runExchange(rt, provider, token, key, outcome, call);
  const offered = rt.cache.coordination;
  // Not async itself: without coordination the exchange's own promise, no extra async frame and its hops.
  return offered === undefined ? exchange() : leased(offered);

  /** The exchange through the cache's lease. */
  async function leased(coordination: CacheCoordination): Promise<CacheEntry> {
    let deadline: number | undefined;
    for (;;) {
      const lease = await coordination.lease(key).catch((): typeof NO_STORE => NO_STORE);
      // A store that fails to lease: exchange without it.
      if (lease === NO_STORE) break;
      if (lease !== undefined) {
        try {
          return (await usableEntry(rt, key)) ?? (await exchange());
        } finally {
          lease.release().catch(() => undefined);
        }
      }
      // Another isolate holds the lease: poll for its entry (or the lease) until waitMs has passed.
      deadline ??= monotonicMs() + coordination.waitMs;
      if (!(monotonicMs() < deadline) || call.signal?.aborted === true) break;
      await sleep(Math.min(coordination.pollMs, Math.max(0, deadline - monotonicMs())));
      const entry = await usableEntry(rt, key);
      if (entry !== undefined) return entry;
    }
    // The holder is still at it past waitMs (or the store failed): this caller exchanges itself.
    return exchange();
  }
}
