/**
 * Audit of evictions under pressure: when a bounded table (the credential cache, an adapter's per-user sources)
 * drops entries that were still valid, the working set no longer fits and callers pay exchanges again. One
 * `cache_eviction` event per interval says so, with the count, without flooding the sink.
 *
 * @packageDocumentation
 */
import { buildEvent } from "../engine/events.js";
import type { AuditSink, Clock, Provider } from "../types.js";
import { pooledRandom, randomId } from "../util/random.js";

/** What an eviction event names as its provider: the cache, for no target. */
const CACHE = { cloud: "cache", target: {} } as Provider;

/** Options of {@link evictionAudit}. @public */
export interface EvictionAuditOptions {
  /** Where the `cache_eviction` events go. */
  readonly audit: AuditSink;
  /** Which table evicts, for the event (`credential-cache`, `user-sources`). */
  readonly table: string;
  /** The table's bound, for the event and its hint. */
  readonly max: number;
  /** At most one event per this interval; evictions in between are counted into the next. Default 60000. */
  readonly intervalMs?: number;
  /** Default `Date.now`. */
  readonly now?: Clock;
  /** Added to the events (site, deploy context). Nothing secret. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Returns the function a bounded table calls for each entry it evicts while still valid. The first eviction
 * writes an event at once; later ones within `intervalMs` are counted and reported by the next event.
 *
 * @example
 * ```ts
 * const onEvict = evictionAudit({ audit: consoleAudit(), table: "credential-cache", max: 1000 });
 * const cache = memoryCache({ max: 1000, onEvict });
 * ```
 * @public
 */
export function evictionAudit(options: EvictionAuditOptions): () => void {
  const intervalMs = options.intervalMs ?? 60_000;
  const now = options.now ?? (() => Date.now());
  let lastEvent = -Infinity;
  let counted = 0;
  return () => {
    counted++;
    const t = now();
    if (t - lastEvent < intervalMs) return;
    lastEvent = t;
    const evicted = counted;
    counted = 0;
    try {
      const written = options.audit.write(
        buildEvent(
          {
            type: "cache_eviction",
            provider: CACHE,
            cache: "miss",
            durationMs: 0,
          },
          randomId(pooledRandom),
          t,
          {
            ...options.labels,
            table: options.table,
            max: String(options.max),
            evicted: String(evicted),
            hint: `More than ${options.max} live entries: raise the limit.`,
          },
        ),
      );
      if (written instanceof Promise) written.catch(() => undefined);
    } catch {
      // An audit sink that throws must not fail the lookup that evicted.
    }
  };
}
