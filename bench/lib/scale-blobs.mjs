// The scale scenario on Netlify Blobs (its local BlobsServer), run by bench/scale.bench.mjs under Node 22
// because @netlify/blobs 11 needs it. Prints one JSON line with the figures.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { netlifyBlobsStorage } from "@fedkit/cache/netlify-blobs";
import { getStore } from "@netlify/blobs";
import { BlobsServer } from "@netlify/blobs/server";
import { cacheKeys, loopbackSts, runScenario, subjectTokens } from "./scale.mjs";

const directory = await mkdtemp(join(tmpdir(), "fedkit-bench-blobs-"));
const server = new BlobsServer({ directory, token: "bench", logger: () => undefined });
const { port } = await server.start();
const sts = await loopbackSts();
try {
  const keys = await cacheKeys();
  const tokens = subjectTokens();
  const store = () =>
    getStore({ name: "fedkit-cache", siteID: "bench", token: "bench", apiURL: `http://127.0.0.1:${port}` });
  const withLease = await runScenario({
    sts,
    tokens,
    keys,
    prefix: "lease:",
    storageFor: () => netlifyBlobsStorage(store()),
  });
  const noLease = await runScenario({
    sts,
    tokens,
    keys,
    prefix: "nolease:",
    storageFor: () => netlifyBlobsStorage(store(), { lease: false }),
  });
  // Is the local server's conditional write atomic? 20 trials of 50 concurrent onlyIfNew writes to one key.
  const probe = store();
  let trialsWithSeveralWinners = 0;
  for (let trial = 0; trial < 20; trial++) {
    const writes = await Promise.all(
      Array.from({ length: 50 }, (_, i) => probe.set(`atomicity-${trial}`, String(i), { onlyIfNew: true })),
    );
    if (writes.filter((w) => w.modified).length > 1) trialsWithSeveralWinners++;
  }
  console.log(JSON.stringify({ withLease, noLease, trialsWithSeveralWinners }));
} finally {
  await sts.close();
  await server.stop();
  await rm(directory, { recursive: true, force: true });
}
