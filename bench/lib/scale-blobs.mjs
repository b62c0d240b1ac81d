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
  console.log(JSON.stringify({ withLease, noLease }));
} finally {
  await sts.close();
  await server.stop();
  await rm(directory, { recursive: true, force: true });
}
