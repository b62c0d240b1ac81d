/// <reference types="node" />
// The Azure sample deploys: Netlify's own bundler (@netlify/edge-bundler 14.10.3) turns it into an eszip with the
// routes Netlify would serve, @fedkit/azure included through the `@fedkit/netlify/azure` plugin the config names
// and no other cloud's package. Offline, as in bundle.test.ts.
import { readFileSync, rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { AZURE_SAMPLE_DIR } from "./azure-support.js";
import { builtPackagesPresent, bundleOutDir, bundleSample } from "./support.js";
import { trustMarkersIn } from "./trust-markers.js";

const out = bundleOutDir("azure-");

describe.skipIf(!builtPackagesPresent())("the Azure sample bundles with Netlify's edge bundler", () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("produces an eszip with the routes each function declares and only the Azure plugin", async () => {
    const { result, eszip } = await bundleSample(AZURE_SAMPLE_DIR, out);
    expect(result.functions.map((f) => f.name).sort()).toEqual(["blob", "oidc", "unmapped"]);
    expect(result.manifest.routes.map((r) => [r.function, r.path])).toEqual([
      ["blob", "/blob"],
      ["oidc", "/oidc/*"],
      ["unmapped", "/unmapped"],
    ]);
    expect(eszip).toBeDefined();
    // Netlify's bundler keeps every export of @fedkit/netlify and of the plugin entries: none holds a trust generator.
    expect(trustMarkersIn(readFileSync(eszip!).toString("latin1"))).toEqual([]);
    // The eszip names every module it carries; the opt-in plugins keep the other clouds out.
    const modules = readFileSync(eszip!).toString("latin1");
    expect(modules).toMatch(/azure\/dist\/provider\.js/);
    expect(modules).toMatch(/netlify\/dist\/clouds\/azure\.js/);
    expect(modules).not.toMatch(/(?:aws|gcp)\/dist\/[\w-]+\.js/);
    expect(modules).not.toMatch(/netlify\/dist\/clouds\/(?:aws|gcp)\.js/);
  }, 120_000);
});
