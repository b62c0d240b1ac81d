/// <reference types="node" />
// @netlify/blobs 11 needs Node >= 22.12: this file runs in the Node 22 pass of `npm test` (scripts/run.mjs) and
// skips, with the reason, under Node 20. Its local BlobsServer stores files and is not atomic, so these tests
// prove single-writer correctness and the fallback, not mutual exclusion under contention (docs/scaling.md).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BlobsStoreLike, netlifyBlobsStorage } from "@fedkit/cache/netlify-blobs";
import { createFederation, staticToken } from "@fedkit/core";
import { memoryAudit } from "@fedkit/core/audit";
import { encryptedCache, generateCacheKeySet, importCacheKeySet, tieredCache } from "@fedkit/core/cache";
import { testSharedStore } from "@fedkit/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countingProvider, subjectJwt } from "./support/engines.js";
import { freePort } from "./support/redis-server.js";

const major = Number(process.versions.node.split(".")[0]);
const supported = major >= 22;
if (!supported)
  console.warn(
    `@netlify/blobs 11 needs Node >= 22.12 (this is ${process.versions.node}): its suite runs in the Node 22 pass`,
  );
const suite = supported ? describe : describe.skip;

type BlobsModule = typeof import("@netlify/blobs");
const TOKEN = "local-blobs-test-token";
const SITE = "fedkit-site";
let blobs: BlobsModule;
let server: { stop(): Promise<void> } | undefined;
let apiURL = "";
let directory = "";

beforeAll(async () => {
  if (!supported) return;
  blobs = await import("@netlify/blobs");
  const { BlobsServer } = await import("@netlify/blobs/server");
  directory = await mkdtemp(join(tmpdir(), "fedkit-blobs-"));
  const local = new BlobsServer({ directory, token: TOKEN, logger: () => undefined });
  const { port } = await local.start();
  apiURL = `http://127.0.0.1:${port}`;
  server = local;
});
afterAll(async () => {
  await server?.stop();
  if (directory !== "") await rm(directory, { recursive: true, force: true });
});

function store(
  name: string,
  url = apiURL,
): BlobsStoreLike & { list(): Promise<{ blobs: { key: string }[] }> } {
  return blobs.getStore({ name, siteID: SITE, token: TOKEN, apiURL: url });
}

suite("netlify blobs driver (local BlobsServer)", () => {
  testSharedStore(
    "netlify blobs",
    () => {
      const raw = store(`fedkit-cache-${crypto.randomUUID()}`);
      return {
        storage: netlifyBlobsStorage(raw, { leaseTtlMs: 300 }),
        leaseTtlMs: 300,
        async dump(prefix) {
          const out: Record<string, string> = {};
          for (const { key } of (await raw.list()).blobs)
            if (key.startsWith(prefix)) out[key] = (await raw.get(key, { type: "text" })) ?? "";
          return out;
        },
        async unreachable() {
          return netlifyBlobsStorage(store("fedkit-cache-down", `http://127.0.0.1:${await freePort()}`));
        },
      };
    },
    { describe, it, expect },
  );

  it("keeps records without a TTL: an expired record stays in the store and is overwritten by the next set", async () => {
    const raw = store(`fedkit-cache-${crypto.randomUUID()}`);
    const storage = netlifyBlobsStorage(raw);
    await storage.setItem("fedkit:production/k", "v2.a", 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await storage.getItem("fedkit:production/k")).toBe("v2.a");
    await storage.setItem("fedkit:production/k", "v2.b", 60_000);
    expect(await storage.getItem("fedkit:production/k")).toBe("v2.b");
  });

  it("through the engine: a second isolate reads the first one's credentials instead of exchanging", async () => {
    const keys = await importCacheKeySet(generateCacheKeySet("production"), { context: "production" });
    const storage = netlifyBlobsStorage(store(`fedkit-cache-${crypto.randomUUID()}`));
    const provider = countingProvider(5);
    const token = subjectJwt("blobs-user");
    const isolate = () => {
      const cache = tieredCache({ shared: encryptedCache(storage, keys), audit: memoryAudit() });
      return createFederation({ source: staticToken(token), cache, audit: memoryAudit() });
    };
    const first = await isolate().getCredentials(provider);
    const second = await isolate().getCredentials(provider);
    expect(second).toEqual(first);
    expect(provider.exchanges).toBe(1);
  });

  it("without lease: false offers no coordination (every isolate that misses exchanges)", () => {
    expect(netlifyBlobsStorage(store("x"), { lease: false }).coordination).toBeUndefined();
  });
});
