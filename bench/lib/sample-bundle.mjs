// The sample sites' edge functions bundled the way they are deployed (esbuild, minified ESM with code splitting,
// the deno/worker/browser conditions of Netlify's Deno runtime), written to disk so Deno can import them. Shared by
// samples.bench.mjs (sizes, import) and deno.bench.mjs (requests), so both measure the same files.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Scratch space (git-ignored) inside the bench workspace. */
export const SAMPLES_WORK = join(root, "bench", ".netlify", "samples-bench");

export const SAMPLES = [
  { cloud: "aws", app: "netlify-aws-s3", fn: "report" },
  { cloud: "gcp", app: "netlify-gcp-gcs", fn: "report" },
  { cloud: "azure", app: "netlify-azure-blob", fn: "blob" },
];

/**
 * How an edge function is bundled for deployment: minified ESM with code splitting, resolved with the
 * deno/worker/browser conditions of Netlify's Deno runtime. Shared with packages/netlify/test/edge-bundle.ts.
 */
export const EDGE_BUNDLE_OPTIONS = JSON.parse(
  readFileSync(new URL("./edge-bundle-options.json", import.meta.url), "utf8"),
);

/**
 * Bundles one sample's edge function and writes every chunk under SAMPLES_WORK/esbuild/<app>/.
 * With `sourceMaps`, the chunks go under SAMPLES_WORK/esbuild-mapped/<app>/ with a `.map` beside each: esbuild's
 * `external` maps add no comment to the code, so the chunks are byte for byte the deployed ones.
 * @returns {Promise<{ file: string, outputFiles: import("esbuild").OutputFile[], metafile: import("esbuild").Metafile }>}
 *   `file` is the entry chunk (`<fn>.js`).
 */
export async function bundleSample({ app, fn }, { sourceMaps = false } = {}) {
  const { build } = await import("esbuild");
  const outdir = join(SAMPLES_WORK, sourceMaps ? "esbuild-mapped" : "esbuild", app);
  const out = await build({
    entryPoints: [join(root, "apps", app, "netlify", "edge-functions", `${fn}.ts`)],
    ...EDGE_BUNDLE_OPTIONS,
    ...(sourceMaps ? { sourcemap: "external" } : {}),
    outdir,
    write: false,
    metafile: true,
    entryNames: "[name]",
    logLevel: "silent",
  });
  for (const f of out.outputFiles) {
    mkdirSync(dirname(f.path), { recursive: true });
    writeFileSync(f.path, f.contents);
  }
  return { file: join(outdir, `${fn}.js`), outputFiles: out.outputFiles, metafile: out.metafile };
}
