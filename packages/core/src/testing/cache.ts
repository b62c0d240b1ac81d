/**
 * The contract every {@link CredentialCache} passes.
 *
 * @packageDocumentation
 */
import type { CacheEntry, CredentialCache, Credentials } from "../types.js";

/** A credential shape of this suite's own: a cache stores any provider's kind, secrets included. */
interface TestCredentials extends Credentials {
  readonly kind: "aws";
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

import type { TestApi } from "./api.js";

function entry(id: string, expiresAt = Date.now() + 3_600_000): CacheEntry<TestCredentials> {
  return {
    credentials: {
      kind: "aws",
      accessKeyId: `ASIA${id.toUpperCase().padEnd(16, "X")}`,
      secretAccessKey: `secret-${id}`,
      sessionToken: `session-${id}`,
      expiresAt,
    },
    obtainedAt: Date.now(),
    expiresAt,
    refreshAt: expiresAt - 600_000,
    sessionName: `session-name-${id}`,
  };
}

/**
 * Registers the credential-cache contract tests for `factory` (a new, empty cache per test).
 *
 * @example
 * ```ts
 * import { describe, it, expect } from "vitest";
 * testCredentialCache("memoryCache", () => memoryCache(), { describe, it, expect });
 * ```
 * @public
 */
export function testCredentialCache(
  name: string,
  factory: () => CredentialCache | Promise<CredentialCache>,
  { describe, it, expect }: TestApi,
): void {
  describe(`CredentialCache contract: ${name}`, () => {
    it("has a name and answers undefined for an unknown key", async () => {
      const cache = await factory();
      expect(typeof cache.name).toBe("string");
      expect(cache.name.length).toBeGreaterThan(0);
      expect(await cache.get("fedkit:v1:unknown")).toBeUndefined();
    });

    it("returns what was stored, field for field", async () => {
      const cache = await factory();
      const stored = entry("a");
      await cache.set("fedkit:v1:a", stored, 3_600_000);
      expect(await cache.get("fedkit:v1:a")).toEqual(stored);
    });

    it("keeps keys apart", async () => {
      const cache = await factory();
      await cache.set("fedkit:v1:a", entry("a"), 3_600_000);
      await cache.set("fedkit:v1:b", entry("b"), 3_600_000);
      const a = await cache.get("fedkit:v1:a");
      expect((a?.credentials as TestCredentials | undefined)?.secretAccessKey).toBe("secret-a");
      const b = await cache.get("fedkit:v1:b");
      expect((b?.credentials as TestCredentials | undefined)?.secretAccessKey).toBe("secret-b");
    });

    it("overwrites an entry under the same key", async () => {
      const cache = await factory();
      await cache.set("fedkit:v1:a", entry("a"), 3_600_000);
      await cache.set("fedkit:v1:a", entry("c"), 3_600_000);
      const got = await cache.get("fedkit:v1:a");
      expect((got?.credentials as TestCredentials | undefined)?.secretAccessKey).toBe("secret-c");
    });

    it("deletes an entry, and deleting an unknown key is harmless", async () => {
      const cache = await factory();
      await cache.set("fedkit:v1:a", entry("a"), 3_600_000);
      await cache.delete("fedkit:v1:a");
      await cache.delete("fedkit:v1:never");
      expect(await cache.get("fedkit:v1:a")).toBeUndefined();
    });

    it("holds many keys at once", async () => {
      const cache = await factory();
      for (let i = 0; i < 50; i++) await cache.set(`fedkit:v1:k${i}`, entry(`k${i}`), 3_600_000);
      const last = await cache.get("fedkit:v1:k49");
      expect((last?.credentials as TestCredentials | undefined)?.secretAccessKey).toBe("secret-k49");
    });
  });
}
