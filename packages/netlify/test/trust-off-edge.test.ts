/// <reference types="node" />
// Trust generation stays off the edge request path: no sample edge function, and no edge entry of
// @fedkit/netlify bundled with every export kept (as Netlify's edge bundler keeps a package's exports), contains
// any trust generator. Each generator is recognised by a string literal only it holds (a minifier keeps
// literals, not names); bundling `@fedkit/netlify/trust` proves each marker does find its generator.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { bundleEdge, REPO_ROOT } from "./edge-bundle.js";
import { trustMarkersIn as markersIn, TRUST_MARKERS } from "./trust-markers.js";

const SAMPLES = [
  ["netlify-aws-s3", "report"],
  ["netlify-gcp-gcs", "report"],
  ["netlify-azure-blob", "blob"],
  ["netlify-llm", "chat"],
] as const;
const EDGE_ENTRIES = ["", "/aws", "/gcp", "/azure", "/openai", "/anthropic", "/openrouter"];

const keepingEveryExport = (entry: string) =>
  bundleEdge({ contents: `export * from "${entry}";`, resolveDir: join(REPO_ROOT, "packages", "netlify") });

describe("trust generation is off the edge request path", () => {
  it("@fedkit/netlify/trust holds every generator's marker (so their absence below means something)", async () => {
    const { code } = await keepingEveryExport("@fedkit/netlify/trust");
    expect(markersIn(code)).toEqual(Object.keys(TRUST_MARKERS));
  }, 60_000);

  it.each(SAMPLES)(
    "the %s sample's %s edge function bundles no trust generator",
    async (app, fn) => {
      const file = join(REPO_ROOT, "apps", app, "netlify", "edge-functions", `${fn}.ts`);
      const { code, gzipBytes } = await bundleEdge({ file });
      expect(gzipBytes).toBeGreaterThan(5_000);
      expect(markersIn(code)).toEqual([]);
    },
    60_000,
  );

  it.each(EDGE_ENTRIES)(
    "@fedkit/netlify%s with every export kept bundles no trust generator",
    async (sub) => {
      const { code } = await keepingEveryExport(`@fedkit/netlify${sub}`);
      expect(code.length).toBeGreaterThan(1_000);
      expect(markersIn(code)).toEqual([]);
    },
    60_000,
  );
});
