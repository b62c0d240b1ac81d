/// <reference types="node" />
// The GCP sample deploys: Netlify's own bundler (@netlify/edge-bundler 14.10.3) turns it into an eszip with the
// routes Netlify would serve, @fedkit/gcp included through @fedkit/netlify. Offline, as in bundle.test.ts.
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "@netlify/edge-bundler";
import { afterAll, describe, expect, it } from "vitest";
import { findDenoBin } from "../src/node/local-site.js";
import { GCP_SAMPLE_DIR } from "./gcp-support.js";
import { builtPackagesPresent } from "./support.js";

const out = mkdtempSync(join(tmpdir(), "fedkit-edge-bundle-gcp-"));
const importMap = fileURLToPath(new URL("./fixtures/offline-import-map.json", import.meta.url));

describe.skipIf(!builtPackagesPresent())("the GCP sample bundles with Netlify's edge bundler", () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("produces an eszip and the routes each function declares", async () => {
    process.env["PATH"] = `${findDenoBin()}${delimiter}${process.env["PATH"]}`;
    const result = await bundle([join(GCP_SAMPLE_DIR, "netlify", "edge-functions")], out, [], {
      basePath: GCP_SAMPLE_DIR,
      cacheDirectory: join(out, "cache"),
      importMapPaths: [importMap],
      onBeforeDownload: () => {
        throw new Error("offline: the bundler must use the deno from node_modules");
      },
    });
    expect(result.functions.map((f) => f.name).sort()).toEqual(["oidc", "report", "unmapped"]);
    expect(result.manifest.routes.map((r) => [r.function, r.path])).toEqual([
      ["oidc", "/oidc/*"],
      ["report", "/report"],
      ["unmapped", "/unmapped"],
    ]);
    const eszip = readdirSync(out).find((f) => f.endsWith(".eszip"));
    expect(eszip).toBeDefined();
    expect(statSync(join(out, eszip!)).size).toBeGreaterThan(1000);
  }, 120_000);
});
