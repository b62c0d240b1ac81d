/**
 * Two-level lookup: this isolate's memory first, a shared store second. The shared store is an optimisation,
 * never a dependency: when it fails, the cache serves from memory, tells the audit log once, and leaves the
 * store alone for a while.
 *
 * @packageDocumentation
 */
import { consoleAudit } from "../audit/console.js";
import type {
  AuditSink,
  CacheCoordination,
  CacheEntry,
  CacheLease,
  Clock,
  CredentialCache,
  MaybePromise,
} from "../types.js";
import { pooledRandom, randomId } from "../util/random.js";
import { memoryCache } from "./memory.js";

/** One lookup or failure at one level, for metrics (`@fedkit/otel` counts them). @public */
export interface CacheObservation {
  readonly level: "memory" | "shared";
  readonly outcome: "hit" | "miss" | "error";
  /** The shared cache's name (`encrypted:redis`). */
  readonly store: string;
}

/** Options of {@link tieredCache}. @public */
export interface TieredCacheOptions {
  /** The shared level, usually an `encryptedCache` over a store driver from `@fedkit/cache`. */
  shared: CredentialCache;
  /** The isolate level. Default `memoryCache({ now })`. */
  memory?: CredentialCache;
  /** Default `Date.now`. */
  now?: Clock;
  /** Receives a `cache_unavailable` event when the shared store fails. Default `consoleAudit()`. */
  audit?: AuditSink;
  /** After a failure the shared store is skipped for this long (memory only). Default 5000. */
  retryAfterMs?: number;
  /** At most one `cache_unavailable` event per this interval. Default 60000. */
  auditIntervalMs?: number;
  /** Called for every lookup at each level and every shared-store failure. Must not throw. */
  observe?: (observation: CacheObservation) => void;
  /** Added to `cache_unavailable` events (site, deploy context). Nothing secret. */
  labels?: Record<string, string>;
}

/** Proceed alone: what a lease is when the store that would arbitrate is down. */
const UNCOORDINATED: CacheLease = Object.freeze({ release: () => Promise.resolve() });

/**
 * A {@link CredentialCache} that answers from isolate memory while an entry is before its refresh time, and
 * otherwise reads the shared store (which picks up another isolate's refresh). It passes the shared cache's
 * {@link CacheCoordination} (cross-isolate single flight) on to the engine. A shared-store failure never fails
 * a request: reads fall back to memory, writes keep the memory copy, and a lease is granted locally.
 *
 * @example
 * ```ts
 * const keys = await importCacheKeySet(Netlify.env.get("FEDKIT_CACHE_KEY"), { context: "production" });
 * const cache = tieredCache({ shared: encryptedCache(redisStorage(fromIoredis(client)), keys) });
 * const federation = createFederation({ source, cache });
 * ```
 * @public
 */
export function tieredCache(options: TieredCacheOptions): CredentialCache {
  const shared = options?.shared;
  if (typeof shared?.get !== "function" || typeof shared.set !== "function")
    throw new TypeError(
      "tieredCache: options.shared must be a CredentialCache, e.g. encryptedCache(storage, keys)",
    );
  const now = options.now ?? (() => Date.now());
  const memory = options.memory ?? memoryCache({ now });
  const audit = options.audit ?? consoleAudit();
  const retryAfterMs = options.retryAfterMs ?? 5000;
  const auditIntervalMs = options.auditIntervalMs ?? 60_000;
  const observe = options.observe;
  const store = shared.name;
  let downUntil = -Infinity;
  let lastEvent = -Infinity;

  function note(level: CacheObservation["level"], outcome: CacheObservation["outcome"]): void {
    try {
      observe?.({ level, outcome, store });
    } catch {
      // Metrics must not break lookups.
    }
  }

  function outage(operation: string, error: unknown): void {
    const t = now();
    downUntil = t + retryAfterMs;
    note("shared", "error");
    if (t - lastEvent < auditIntervalMs) return;
    lastEvent = t;
    // The error's name only: a client's message can carry a connection string with a password.
    const name = error instanceof Error ? error.name : typeof error;
    try {
      const written = audit.write({
        time: new Date(t).toISOString(),
        type: "cache_unavailable",
        provider: "cache",
        target: {},
        subject: {},
        durationMs: 0,
        cache: "miss",
        correlationId: randomId(pooledRandom),
        error: {
          code: "provider_unavailable",
          message: `Shared cache ${store} failed on ${operation} (${name}); serving from isolate memory for ${retryAfterMs} ms.`,
        },
        labels: { ...options.labels, store, operation },
      });
      if (written instanceof Promise) written.catch(() => undefined);
    } catch {
      // An audit sink that throws must not fail the request either.
    }
  }

  async function readShared(key: string, local: CacheEntry | undefined): Promise<CacheEntry | undefined> {
    let remote: CacheEntry | undefined;
    try {
      remote = await shared.get(key);
    } catch (error) {
      outage("get", error);
      return local;
    }
    note("shared", remote === undefined ? "miss" : "hit");
    if (remote === undefined || (local !== undefined && remote.refreshAt <= local.refreshAt)) return local;
    try {
      await memory.set(key, remote, remote.expiresAt - now());
    } catch {
      // The memory level is an optimisation too.
    }
    return remote;
  }

  function afterMemory(key: string, local: CacheEntry | undefined): MaybePromise<CacheEntry | undefined> {
    if (local !== undefined && now() < local.refreshAt) {
      note("memory", "hit");
      return local;
    }
    note("memory", "miss");
    if (now() < downUntil) return local;
    return readShared(key, local);
  }

  const sharedCoordination = shared.coordination;
  const coordination: CacheCoordination | undefined =
    sharedCoordination === undefined
      ? undefined
      : {
          async lease(key) {
            if (now() < downUntil) return UNCOORDINATED;
            try {
              return await sharedCoordination.lease(key);
            } catch (error) {
              outage("lease", error);
              return UNCOORDINATED;
            }
          },
          waitMs: sharedCoordination.waitMs,
          pollMs: sharedCoordination.pollMs,
        };

  return {
    name: `tiered:${store}`,
    persistent: true,
    get(key) {
      const local = memory.get(key);
      return local instanceof Promise ? local.then((l) => afterMemory(key, l)) : afterMemory(key, local);
    },
    async set(key, entry, ttlMs) {
      await memory.set(key, entry, ttlMs);
      if (now() < downUntil) return;
      try {
        await shared.set(key, entry, ttlMs);
      } catch (error) {
        outage("set", error);
      }
    },
    async delete(key) {
      await memory.delete(key);
      try {
        await shared.delete(key);
      } catch (error) {
        outage("delete", error);
      }
    },
    ...(coordination === undefined ? {} : { coordination }),
  };
}
