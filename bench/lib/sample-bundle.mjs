// The sample sites' edge functions bundled the way they are deployed (esbuild, minified ESM with code splitting,
// the deno/worker/browser conditions of Netlify's Deno runtime), written to disk so Deno can import them, and the
// comparison handlers of bench/deno/ bundled the same way. Shared by samples.bench.mjs (sizes, import),
// deno.bench.mjs (requests) and success-path.bench.mjs (code run), so all measure the same files.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
 * @returns {Promise<{ file: string, outdir: string, outputFiles: import("esbuild").OutputFile[], metafile: import("esbuild").Metafile }>}
 *   `file` is the entry chunk (`<fn>.js`).
 */
export function bundleSample({ app, fn }, { sourceMaps = false } = {}) {
  const entry = join(root, "apps", app, "netlify", "edge-functions", `${fn}.ts`);
  return bundleEdge(
    entry,
    join(SAMPLES_WORK, sourceMaps ? "esbuild-mapped" : "esbuild", app),
    fn,
    sourceMaps,
  );
}

/**
 * Bundles one handler of bench/deno/ (`<name>.mjs`) as a sample is deployed, into a folder of its own under
 * SAMPLES_WORK/handlers/ (with `.map`s under handlers-mapped/), so each folder holds one handler's chunks.
 * @returns the same as {@link bundleSample}; `file` is `<name>.js`.
 */
export function bundleHandler(name, { sourceMaps = false } = {}) {
  const entry = join(root, "bench", "deno", `${name}.mjs`);
  return bundleEdge(
    entry,
    join(SAMPLES_WORK, sourceMaps ? "handlers-mapped" : "handlers", name),
    name,
    sourceMaps,
  );
}

async function bundleEdge(entry, outdir, name, sourceMaps) {
  const { build } = await import("esbuild");
  rmSync(outdir, { recursive: true, force: true });
  const out = await build({
    entryPoints: [entry],
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
  return { file: join(outdir, `${name}.js`), outdir, outputFiles: out.outputFiles, metafile: out.metafile };
}
