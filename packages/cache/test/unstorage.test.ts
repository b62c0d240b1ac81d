/// <reference types="node" />
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unstorageStorage } from "@fedkit/cache/unstorage";
import { testSharedStore } from "@fedkit/core/testing";
import { createStorage } from "unstorage";
import fsDriver from "unstorage/drivers/fs";
import { afterAll, describe, expect, it } from "vitest";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "fedkit-unstorage-"));
  dirs.push(dir);
  return dir;
}

testSharedStore(
  "unstorage (filesystem driver)",
  async () => {
    const storage = createStorage({ driver: fsDriver({ base: await tempDir() }) });
    return {
      storage: unstorageStorage(storage),
      async dump(prefix) {
        // unstorage reports keys normalised (`/` as `:`); the store itself saw the same normalised keys.
        const out: Record<string, string> = {};
        for (const key of await storage.getKeys()) {
          const original = key.replace(/^(fedkit-test-[^:]+:[^:]+):/, "$1/");
          if (original.startsWith(prefix)) out[original] = String(await storage.getItem(key));
        }
        return out;
      },
      async unreachable() {
        // A base "directory" that is a regular file: every read and write fails (ENOTDIR).
        const file = join(await tempDir(), "not-a-directory");
        await writeFile(file, "");
        return unstorageStorage(createStorage({ driver: fsDriver({ base: join(file, "cache") }) }));
      },
    };
  },
  { describe, it, expect },
);

describe("unstorageStorage", () => {
  it("reads a non-text value (a JSON object someone stored) as a miss, not an error", async () => {
    const storage = createStorage({ driver: fsDriver({ base: await tempDir() }) });
    await storage.setItem("fedkit:production:k", { credentials: "forged" });
    expect(await unstorageStorage(storage).getItem("fedkit:production:k")).toBeNull();
  });
});
