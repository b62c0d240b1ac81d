/// <reference types="node" />
// The GCP sample deploys: Netlify's own bundler (@netlify/edge-bundler 14.10.3) turns it into an eszip with the
// routes Netlify would serve, @fedkit/gcp included through @fedkit/netlify. Offline, as in bundle.test.ts.
import { readFileSync, rmSync, statSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { GCP_SAMPLE_DIR } from "./gcp-support.js";
import { builtPackagesPresent, bundleOutDir, bundleSample } from "./support.js";
import { trustMarkersIn } from "./trust-markers.js";

const out = bundleOutDir("gcp-");

describe.skipIf(!builtPackagesPresent())("the GCP sample bundles with Netlify's edge bundler", () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("produces an eszip and the routes each function declares", async () => {
    const { result, eszip } = await bundleSample(GCP_SAMPLE_DIR, out);
    expect(result.functions.map((f) => f.name).sort()).toEqual(["oidc", "report", "unmapped"]);
    expect(result.manifest.routes.map((r) => [r.function, r.path])).toEqual([
      ["oidc", "/oidc/*"],
      ["report", "/report"],
      ["unmapped", "/unmapped"],
    ]);
    expect(eszip).toBeDefined();
    expect(statSync(eszip!).size).toBeGreaterThan(1000);
    // Netlify's bundler keeps every export of @fedkit/netlify and of the plugin entries: none holds a trust generator.
    expect(trustMarkersIn(readFileSync(eszip!).toString("latin1"))).toEqual([]);
    // The eszip names every module it carries; the opt-in plugins keep the other clouds out.
    const modules = readFileSync(eszip!).toString("latin1");
    expect(modules).toMatch(/gcp\/dist\/provider\.js/);
    expect(modules).toMatch(/netlify\/dist\/clouds\/gcp\.js/);
    expect(modules).not.toMatch(/(?:aws|azure)\/dist\/[\w-]+\.js/);
    expect(modules).not.toMatch(/netlify\/dist\/clouds\/(?:aws|azure)\.js/);
  }, 120_000);
});
