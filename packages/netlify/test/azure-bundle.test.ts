/// <reference types="node" />
// The Azure sample deploys: Netlify's own bundler (@netlify/edge-bundler 14.10.3) turns it into an eszip with the
// routes Netlify would serve, @fedkit/azure included through the `@fedkit/netlify/azure` plugin the config names
// and no other cloud's package. Offline, as in bundle.test.ts.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundle } from "@netlify/edge-bundler";
import { afterAll, describe, expect, it } from "vitest";
import { findDenoBin } from "../src/node/local-site.js";
import { AZURE_SAMPLE_DIR } from "./azure-support.js";
import { builtPackagesPresent } from "./support.js";

const out = mkdtempSync(join(tmpdir(), "fedkit-edge-bundle-azure-"));
const importMap = fileURLToPath(new URL("./fixtures/offline-import-map.json", import.meta.url));

describe.skipIf(!builtPackagesPresent())("the Azure sample bundles with Netlify's edge bundler", () => {
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("produces an eszip with the routes each function declares and only the Azure plugin", async () => {
    process.env["PATH"] = `${findDenoBin()}${delimiter}${process.env["PATH"]}`;
    const result = await bundle([join(AZURE_SAMPLE_DIR, "netlify", "edge-functions")], out, [], {
      basePath: AZURE_SAMPLE_DIR,
      cacheDirectory: join(out, "cache"),
      importMapPaths: [importMap],
      onBeforeDownload: () => {
        throw new Error("offline: the bundler must use the deno from node_modules");
      },
    });
    expect(result.functions.map((f) => f.name).sort()).toEqual(["blob", "oidc", "unmapped"]);
    expect(result.manifest.routes.map((r) => [r.function, r.path])).toEqual([
      ["blob", "/blob"],
      ["oidc", "/oidc/*"],
      ["unmapped", "/unmapped"],
    ]);
    const eszip = readdirSync(out).find((f) => f.endsWith(".eszip"));
    expect(eszip).toBeDefined();
    // The eszip names every module it carries; the opt-in plugins keep the other clouds out.
    const modules = readFileSync(join(out, eszip!)).toString("latin1");
    expect(modules).toMatch(/azure\/dist\/provider\.js/);
    expect(modules).toMatch(/netlify\/dist\/clouds\/azure\.js/);
    expect(modules).not.toMatch(/(?:aws|gcp)\/dist\/[\w-]+\.js/);
    expect(modules).not.toMatch(/netlify\/dist\/clouds\/(?:aws|gcp)\.js/);
  }, 120_000);
});
