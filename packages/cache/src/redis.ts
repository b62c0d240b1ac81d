/**
 * `@fedkit/cache/redis`: a shared credential-cache store on any Redis-protocol server (self-hosted Redis,
 * Valkey, ElastiCache, Upstash), and the reference for cross-isolate single flight: `SET NX PX` is an atomic
 * claim that expires by itself, so one isolate exchanges per key while the others read its result.
 *
 * The driver imports no Redis client. Bring your own through a small adapter: {@link fromNodeRedis},
 * {@link fromIoredis} (Node) or {@link fromUpstash} (Upstash's REST client, edge-safe).
 *
 * @packageDocumentation
 */

import type { RandomSource } from "@fedkit/core";
import type { CacheCoordination, EncryptedCacheStorage } from "@fedkit/core/cache";
import { defaultRandom, toHex } from "@fedkit/core/provider";

/** The four Redis operations the driver needs; the adapters below map a client onto them. @public */
export interface RedisCommands {
  get(key: string): Promise<string | null>;
  /** `SET key value PX px [NX]`: true when the value was written. */
  set(key: string, value: string, options: { readonly px: number; readonly nx?: boolean }): Promise<boolean>;
  del(key: string): Promise<void>;
  /** Deletes `key` only while it still holds `value` (one Lua script, so a stale holder frees nobody's lease). */
  delIfEquals(key: string, value: string): Promise<void>;
}

/** Options of {@link redisStorage}. @public */
export interface RedisStorageOptions {
  /** A lease expires after this long, so a crashed holder blocks others only this long. Default 15000. */
  leaseTtlMs?: number;
  /** A follower waits this long for the holder's entry, then exchanges itself. Default 10000 (past the engine's 8 s exchange deadline). */
  waitMs?: number;
  /** A follower reads the cache this often while it waits. Default 50. */
  pollMs?: number;
  /** Randomness for lease tokens. Default `crypto.getRandomValues`. */
  random?: RandomSource;
}

const RELEASE_SCRIPT =
  'if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end';

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`redisStorage: ${name} must be an integer >= 1 (ms), got ${value}`);
  return value;
}

/**
 * A storage for `encryptedCache` on Redis: items expire with the credentials (`PX`), and leases make exchanges
 * single-flight across isolates.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * const storage = redisStorage(fromIoredis(new Redis(process.env.REDIS_URL!)));
 * const cache = tieredCache({ shared: encryptedCache(storage, keys) });
 * ```
 * @public
 */
export function redisStorage(redis: RedisCommands, options: RedisStorageOptions = {}): EncryptedCacheStorage {
  if (typeof redis?.get !== "function" || typeof redis.set !== "function" || typeof redis.del !== "function")
    throw new TypeError(
      "redisStorage: pass RedisCommands, e.g. fromIoredis(client) or fromNodeRedis(client)",
    );
  const leaseTtlMs = positive("leaseTtlMs", options.leaseTtlMs ?? 15_000);
  const random = options.random ?? defaultRandom;
  const coordination: CacheCoordination = {
    async lease(key) {
      const token = toHex(random(new Uint8Array(16)));
      const won = await redis.set(key, token, { px: leaseTtlMs, nx: true });
      return won ? { release: () => redis.delIfEquals(key, token) } : undefined;
    },
    waitMs: positive("waitMs", options.waitMs ?? 10_000),
    pollMs: positive("pollMs", options.pollMs ?? 50),
  };
  return {
    name: "redis",
    getItem: (key) => redis.get(key),
    async setItem(key, value, ttlMs) {
      await redis.set(key, value, { px: Math.max(1, Math.ceil(ttlMs)) });
    },
    removeItem: (key) => redis.del(key),
    coordination,
  };
}

/** The methods of a node-redis (`redis` v4/v5) client the adapter calls. @public */
export interface NodeRedisClientLike {
  get(key: string): Promise<string | null | unknown>;
  set(key: string, value: string, options: { PX: number; NX?: true }): Promise<string | null | unknown>;
  del(key: string): Promise<number | unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/**
 * Adapts a node-redis client (`createClient()` from `redis`, connected) to {@link RedisCommands}.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const storage = redisStorage(fromNodeRedis(client));
 * ```
 * @public
 */
export function fromNodeRedis(client: NodeRedisClientLike): RedisCommands {
  return {
    get: async (key) => text(await client.get(key)),
    async set(key, value, { px, nx }) {
      return (await client.set(key, value, nx ? { PX: px, NX: true } : { PX: px })) === "OK";
    },
    async del(key) {
      await client.del(key);
    },
    async delIfEquals(key, value) {
      await client.eval(RELEASE_SCRIPT, { keys: [key], arguments: [value] });
    },
  };
}

/** The methods of an ioredis client the adapter calls (loosely typed: ioredis overloads `set` per flag). @public */
export interface IoredisClientLike {
  get(key: string): Promise<string | null>;
  set(...args: never[]): Promise<unknown>;
  del(...keys: never[]): Promise<number>;
  eval(...args: never[]): Promise<unknown>;
}

/**
 * Adapts an ioredis client (`new Redis(url)`) to {@link RedisCommands}.
 *
 * @example
 * ```ts
 * import { Redis } from "ioredis";
 * const storage = redisStorage(fromIoredis(new Redis(process.env.REDIS_URL!)));
 * ```
 * @public
 */
export function fromIoredis(client: IoredisClientLike): RedisCommands {
  const call = <K extends "set" | "del" | "eval">(name: K, ...args: (string | number)[]) =>
    (client[name] as unknown as (...a: (string | number)[]) => Promise<unknown>).apply(client, args);
  return {
    get: (key) => client.get(key),
    async set(key, value, { px, nx }) {
      const reply = nx
        ? await call("set", key, value, "PX", px, "NX")
        : await call("set", key, value, "PX", px);
      return reply === "OK";
    },
    async del(key) {
      await call("del", key);
    },
    async delIfEquals(key, value) {
      await call("eval", RELEASE_SCRIPT, 1, key, value);
    },
  };
}

/** The methods of an Upstash REST client (`@upstash/redis`) the adapter calls. @public */
export interface UpstashClientLike {
  get(key: string): Promise<unknown>;
  set(key: string, value: string, options: { px: number; nx?: true }): Promise<unknown>;
  del(...keys: string[]): Promise<unknown>;
  eval(script: string, keys: string[], args: string[]): Promise<unknown>;
}

/**
 * Adapts Upstash's REST client (`new Redis({ url, token })` from `@upstash/redis`, which runs at the edge) to
 * {@link RedisCommands}. Create the client with `automaticDeserialization: false` so values stay text.
 *
 * @example
 * ```ts
 * import { Redis } from "@upstash/redis";
 * const client = new Redis({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, automaticDeserialization: false });
 * const storage = redisStorage(fromUpstash(client));
 * ```
 * @public
 */
export function fromUpstash(client: UpstashClientLike): RedisCommands {
  return {
    get: async (key) => text(await client.get(key)),
    async set(key, value, { px, nx }) {
      return (await client.set(key, value, nx ? { px, nx: true } : { px })) === "OK";
    },
    async del(key) {
      await client.del(key);
    },
    async delIfEquals(key, value) {
      await client.eval(RELEASE_SCRIPT, [key], [value]);
    },
  };
}

/** A reply that is not text (a client that decoded it, a buffer) is no record of ours: a miss. */
function text(reply: unknown): string | null {
  return typeof reply === "string" ? reply : null;
}
