/**
 * The default credential cache: a bounded LRU map in this isolate's memory.
 *
 * @packageDocumentation
 */
import type { CacheEntry, Clock, CredentialCache } from "../types.js";

/** Options of {@link memoryCache}. @public */
export interface MemoryCacheOptions {
  /** Most entries kept; the least recently used goes first. Default 1000. */
  max?: number;
  /** Clock for entry TTLs. Default `Date.now`. */
  now?: Clock;
  /**
   * Called for each entry dropped to stay within `max` while it was still valid (pressure, not expiry), e.g.
   * {@link evictionAudit}. Must not throw.
   */
  onEvict?: () => void;
}

/** A {@link CredentialCache} in memory, with a way to inspect and empty it. @public */
export interface MemoryCache extends CredentialCache {
  /** Entries currently held. */
  readonly size: number;
  /** Drops every entry. */
  clear(): void;
}

interface Slot {
  readonly entry: CacheEntry;
  readonly until: number;
}

/**
 * A bounded LRU cache in memory. It answers synchronously, which keeps the engine's cache-hit path free of
 * needless `await`s. `get` may return an entry past its TTL (the engine checks expiry on every call); expired
 * entries are swept on `set`, and the least recently used go when `max` is exceeded.
 *
 * @example
 * ```ts
 * const federation = createFederation({ source, cache: memoryCache({ max: 500 }) });
 * ```
 * @public
 */
export function memoryCache(options: MemoryCacheOptions = {}): MemoryCache {
  const max = options.max ?? 1000;
  if (!Number.isInteger(max) || max < 1)
    throw new TypeError(`memoryCache: max must be an integer >= 1, got ${max}`);
  const now = options.now ?? (() => Date.now());
  const onEvict = options.onEvict;
  const slots = new Map<string, Slot>();
  let newest: string | undefined;

  return {
    name: "memory",
    persistent: false,
    get size() {
      return slots.size;
    },
    get(key) {
      const slot = slots.get(key);
      if (slot === undefined) return undefined;
      // No clock read here: the engine checks expiry itself (a clock read costs as much as the rest of a hit).
      // Expired entries are swept on set and fall out of the LRU bound.
      // Re-inserting marks it most recent; skipping that when it already is keeps the hot path cheap.
      if (newest !== key) {
        slots.delete(key);
        slots.set(key, slot);
        newest = key;
      }
      return slot.entry;
    },
    set(key, entry, ttlMs) {
      slots.delete(key);
      const t = now();
      slots.set(key, { entry, until: t + Math.max(0, ttlMs) });
      newest = key;
      for (const [k, slot] of slots) {
        if (slot.until > t) break;
        slots.delete(k);
      }
      while (slots.size > max) {
        const oldest = slots.keys().next().value as string;
        slots.delete(oldest);
        // Expired entries were swept above: whatever goes here was still valid.
        onEvict?.();
      }
    },
    delete(key) {
      slots.delete(key);
      if (newest === key) newest = undefined;
    },
    clear() {
      slots.clear();
      newest = undefined;
    },
  };
}
