/**
 * The contract every shared-store driver passes against its real store: the credential-cache contract through
 * `encryptedCache`, plus the security cases (ciphertext only at rest, a record moved to another key or context
 * fails authentication, expiry on read), outage fallback, and the lease where the driver offers one.
 *
 * @packageDocumentation
 */
import { memoryAudit } from "../audit/memory.js";
import { type EncryptedCacheStorage, encryptedCache } from "../cache/encrypted.js";
import { type CacheKeySet, generateCacheKeySet, importCacheKeySet } from "../cache/keyset.js";
import { tieredCache } from "../cache/tiered.js";
import type { CacheEntry, Credentials } from "../types.js";

/** A credential shape of this suite's own, secrets included: a shared store holds any provider's kind. */
interface StoredCredentials extends Credentials {
  readonly kind: "aws";
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

import { base64url } from "../util/encoding.js";
import type { TestApi } from "./api.js";
import { testCredentialCache } from "./cache.js";

/** A driver over its real store, and raw access to that store (what anyone holding store access sees). @public */
export interface SharedStoreFixture {
  /** The driver under test. */
  readonly storage: EncryptedCacheStorage;
  /** Every item whose key starts with `prefix`, as stored. */
  dump(prefix: string): Promise<Record<string, string>>;
  /** The same driver over a store that cannot be reached (stopped server, closed port, unwritable directory). */
  unreachable(): EncryptedCacheStorage | Promise<EncryptedCacheStorage>;
  /** For drivers with a lease: the lease time-to-live the fixture configured (keep it short, e.g. 300 ms). */
  readonly leaseTtlMs?: number;
}

function entry(id: string, expiresAt: number): CacheEntry<StoredCredentials> {
  return {
    credentials: {
      kind: "aws",
      accessKeyId: `ASIASTORE${id.toUpperCase().padEnd(11, "Q")}`,
      secretAccessKey: `shared-secret-${id}`,
      sessionToken: `shared-session-${id}`,
      expiresAt,
    },
    obtainedAt: expiresAt - 3_600_000,
    expiresAt,
    refreshAt: expiresAt - 900_000,
    sessionName: `shared-name-${id}`,
  };
}

const HOUR = 3_600_000;
const ISSUER = "https://site.example/.well-known/fedkit/production";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A fresh prefix per test, so tests share a real store without seeing each other. */
function freshPrefix(): string {
  return `fedkit-test-${base64url(crypto.getRandomValues(new Uint8Array(6))).replace(/[-_]/g, "x")}:`;
}

async function keysFor(context: string, material?: string, kid = "k1"): Promise<CacheKeySet> {
  const doc = JSON.parse(generateCacheKeySet(context, { kid })) as { key: string };
  const text = JSON.stringify({ v: 1, context, kid, key: material ?? doc.key });
  return importCacheKeySet(text, { context });
}

/**
 * Registers the shared-store contract for `factory` (one fixture per test, over the real store).
 *
 * @example
 * ```ts
 * testSharedStore("unstorage (fs)", async () => ({ storage: unstorageStorage(storage), dump, unreachable }), { describe, it, expect });
 * ```
 * @public
 */
export function testSharedStore(
  name: string,
  factory: () => SharedStoreFixture | Promise<SharedStoreFixture>,
  api: TestApi,
): void {
  const { describe, it, expect } = api;
  const material = base64url(crypto.getRandomValues(new Uint8Array(32)));
  describe(`shared store contract: ${name}`, () => {
    testCredentialCache(
      `${name} through encryptedCache`,
      async () =>
        encryptedCache((await factory()).storage, await keysFor("production", material), {
          prefix: freshPrefix(),
        }),
      api,
    );

    it("keeps only ciphertext at rest, under the context's prefix", async () => {
      const fixture = await factory();
      const prefix = freshPrefix();
      const cache = encryptedCache(fixture.storage, await keysFor("production", material), { prefix });
      await cache.set("fedkit:v1:alice", entry("alice", Date.now() + HOUR), HOUR);
      const raw = await fixture.dump(prefix);
      const keys = Object.keys(raw);
      expect(keys.length).toBe(1);
      expect(keys[0]).toBe(`${prefix}production/fedkit:v1:alice`);
      const text = JSON.stringify(raw);
      for (const secret of ["shared-secret-alice", "shared-session-alice", "ASIASTOREALICE", "shared-name"])
        expect(text).not.toContain(secret);
    });

    it("a record moved to another key, context, issuer or kid fails authentication and is a miss", async () => {
      const fixture = await factory();
      const prefix = freshPrefix();
      const production = encryptedCache(fixture.storage, await keysFor("production", material), {
        prefix,
        issuer: ISSUER,
      });
      await production.set("fedkit:v1:alice", entry("alice", Date.now() + HOUR), HOUR);
      const sealed = (await fixture.dump(prefix))[`${prefix}production/fedkit:v1:alice`];
      expect(typeof sealed).toBe("string");
      // Another subject's key in the same context.
      await fixture.storage.setItem(`${prefix}production/fedkit:v1:mallory`, sealed as string, HOUR);
      expect(await production.get("fedkit:v1:mallory")).toBeUndefined();
      // The same key material under another context's prefix: the context is in the associated data.
      await fixture.storage.setItem(`${prefix}deploy-preview/fedkit:v1:alice`, sealed as string, HOUR);
      const preview = encryptedCache(fixture.storage, await keysFor("deploy-preview", material), {
        prefix,
        issuer: ISSUER,
      });
      expect(await preview.get("fedkit:v1:alice")).toBeUndefined();
      // Same context and material, another issuer or another kid.
      const otherIssuer = encryptedCache(fixture.storage, await keysFor("production", material), {
        prefix,
        issuer: "https://other.example/.well-known/fedkit/production",
      });
      expect(await otherIssuer.get("fedkit:v1:alice")).toBeUndefined();
      const otherKid = await keysFor("production", material, "k2");
      const rotated = encryptedCache(fixture.storage, otherKid, { prefix, issuer: ISSUER });
      await fixture.storage.setItem(
        `${prefix}production/fedkit:v1:alice`,
        (sealed as string).replace(/^v2\.k1\./, "v2.k2."),
        HOUR,
      );
      expect(await rotated.get("fedkit:v1:alice")).toBeUndefined();
      // A tampered ciphertext is a miss too, not an error.
      const flipped = (sealed as string).slice(0, -2) + ((sealed as string).endsWith("A") ? "BB" : "AA");
      await fixture.storage.setItem(`${prefix}production/fedkit:v1:alice`, flipped, HOUR);
      expect(await production.get("fedkit:v1:alice")).toBeUndefined();
    });

    it("checks expiry on read: a record within the safety margin is a miss while the store still holds it", async () => {
      const fixture = await factory();
      const prefix = freshPrefix();
      let t = Date.now();
      const cache = encryptedCache(fixture.storage, await keysFor("production", material), {
        prefix,
        now: () => t,
        safetyMarginMs: 60_000,
      });
      await cache.set("fedkit:v1:bob", entry("bob", t + 90_000), HOUR);
      expect(await cache.get("fedkit:v1:bob")).toBeDefined();
      t += 31_000;
      expect(await cache.get("fedkit:v1:bob")).toBeUndefined();
      expect(Object.keys(await fixture.dump(prefix)).length).toBe(1);
    });

    it("falls back to isolate memory when the store is unreachable, with one audit event and no secret", async () => {
      const fixture = await factory();
      const audit = memoryAudit();
      const down = encryptedCache(await fixture.unreachable(), await keysFor("production", material), {
        prefix: freshPrefix(),
      });
      const cache = tieredCache({ shared: down, audit, retryAfterMs: 0 });
      const stored = entry("carol", Date.now() + HOUR);
      await cache.set("fedkit:v1:carol", stored, HOUR);
      expect(await cache.get("fedkit:v1:carol")).toEqual(stored);
      expect(await cache.get("fedkit:v1:nobody")).toBeUndefined();
      await cache.delete("fedkit:v1:carol");
      expect(audit.events.length).toBe(1);
      expect(audit.events[0]?.type).toBe("cache_unavailable");
      expect(JSON.stringify(audit.events)).not.toContain("shared-secret");
      if (down.coordination !== undefined) {
        // Nobody can arbitrate: the caller proceeds alone rather than waiting.
        expect(await cache.coordination?.lease("fedkit:v1:carol")).toBeDefined();
      }
    });

    it("grants one lease per key until released or expired, and a stale holder cannot release another's", async () => {
      const fixture = await factory();
      const coordination = fixture.storage.coordination;
      if (coordination === undefined) {
        expect(fixture.leaseTtlMs).toBeUndefined();
        return;
      }
      const key = `${freshPrefix()}lease`;
      const first = await coordination.lease(key);
      expect(first).toBeDefined();
      expect(await coordination.lease(key)).toBeUndefined();
      await first?.release();
      const second = await coordination.lease(key);
      expect(second).toBeDefined();
      await sleep((fixture.leaseTtlMs ?? 300) + 150);
      const third = await coordination.lease(key);
      expect(third).toBeDefined();
      await second?.release(); // expired: must not free the lease `third` holds now
      expect(await coordination.lease(key)).toBeUndefined();
      await third?.release();
    });
  });
}
