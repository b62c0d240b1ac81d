/**
 * Cross-isolate single flight. Within one isolate the engine shares one pending exchange per key; across
 * isolates a cache with {@link CacheCoordination} (Redis `SET NX PX`) lets one isolate exchange while the
 * others wait a bounded time for its entry, then exchange themselves if it never comes.
 *
 * @packageDocumentation
 */
import type { CacheEntry, CacheLease, CacheOutcome, Provider, SubjectToken } from "../types.js";
import { monotonicMs } from "../util/time.js";
import { runExchange } from "./exchange.js";
import type { GetCredentialsOptions } from "./options.js";
import type { Runtime } from "./runtime.js";

/** An entry another isolate stored that serves this call: valid, and for a refresh, newer than the due one. */
async function usableEntry(rt: Runtime, key: string): Promise<CacheEntry | undefined> {
  let entry: CacheEntry | undefined;
  try {
    entry = await rt.cache.get(key);
  } catch {
    return undefined;
  }
  const t = rt.now();
  if (entry === undefined || t >= entry.expiresAt - rt.policy.safetyMarginMs || t >= entry.refreshAt)
    return undefined;
  return entry;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the exchange for `key` under the cache's lease when it offers one: the holder re-reads the cache (an
 * isolate may have stored while this one missed), exchanges, stores and releases; a follower polls the cache
 * for up to `waitMs`. Without coordination, or if the lease cannot be had, it is a plain exchange.
 * @internal
 */
export async function coordinatedExchange(
  rt: Runtime,
  provider: Provider,
  token: SubjectToken,
  key: string,
  outcome: CacheOutcome,
  call: GetCredentialsOptions,
): Promise<CacheEntry> {
  const coordination = rt.cache.coordination;
  if (coordination === undefined) return runExchange(rt, provider, token, key, outcome, call);
  let lease: CacheLease | undefined;
  try {
    lease = await coordination.lease(key);
  } catch {
    return runExchange(rt, provider, token, key, outcome, call);
  }
  if (lease !== undefined) {
    const held = lease;
    try {
      return (await usableEntry(rt, key)) ?? (await runExchange(rt, provider, token, key, outcome, call));
    } finally {
      held.release().catch(() => undefined);
    }
  }
  const deadline = monotonicMs() + coordination.waitMs;
  while (monotonicMs() < deadline && call.signal?.aborted !== true) {
    await sleep(Math.min(coordination.pollMs, Math.max(0, deadline - monotonicMs())));
    const entry = await usableEntry(rt, key);
    if (entry !== undefined) return entry;
  }
  // The holder crashed or is slow: its lease expires on its own; this caller does not wait for it.
  return runExchange(rt, provider, token, key, outcome, call);
}
