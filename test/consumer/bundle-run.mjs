// Runs INSIDE a site scaffolded by create-fedkit (outside the repository), with the packages plain npm installed
// from the packed tarballs: bundles its edge functions with Netlify's edge bundler (@netlify/edge-bundler, what a
// Netlify build runs), offline. Prints one JSON line: the routes and the eszip's size.

import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { bundle } from "@netlify/edge-bundler";

const siteDir = process.cwd();
const offlineImportMap = process.env.OFFLINE_IMPORT_MAP;
const result = {};

// The npm `deno` package installed next to the site: the bundler and the runtime use it, nothing is downloaded.
const denoDir = dirname(createRequire(join(siteDir, "package.json")).resolve("deno/package.json"));
process.env.PATH = `${denoDir}${delimiter}${process.env.PATH}`;

const out = mkdtempSync(join(tmpdir(), "fedkit-consumer-bundle-"));
try {
  const bundled = await bundle([join(siteDir, "netlify", "edge-functions")], out, [], {
    basePath: siteDir,
    cacheDirectory: join(out, "cache"),
    importMapPaths: offlineImportMap ? [offlineImportMap] : [],
    onBeforeDownload: () => {
      throw new Error("offline: the bundler must use the deno from node_modules");
    },
  });
  const eszip = readdirSync(out).find((f) => f.endsWith(".eszip"));
  result.bundle = {
    routes: bundled.manifest.routes.map((r) => [r.function, r.path]),
    eszipBytes: eszip === undefined ? 0 : statSync(join(out, eszip)).size,
  };
} finally {
  rmSync(out, { recursive: true, force: true });
}

console.log(JSON.stringify(result));
