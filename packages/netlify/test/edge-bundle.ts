/// <reference types="node" />
// Bundles an edge function with the bench's options (bench/lib/edge-bundle-options.json: esbuild, minified ESM with
// code splitting, Netlify's Deno conditions), but from this repo's TypeScript sources: `@fedkit/*` specifiers resolve through each
// package's exports map onto `src/` (as vitest's aliases do), so a test sees the code it runs, never a stale build.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build, type Plugin } from "esbuild";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const EDGE_BUNDLE_OPTIONS: BuildOptions = JSON.parse(
  readFileSync(join(REPO_ROOT, "bench", "lib", "edge-bundle-options.json"), "utf8"),
);

/** `@fedkit/<pkg>[/<subpath>]` → `<root>/packages/<dir>/src/<entry>.ts`, from the exports maps under `root`. */
function sourceEntries(root: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const dir of readdirSync(join(root, "packages"))) {
    let manifest: { name: string; exports?: Record<string, { default?: string } | string> };
    try {
      manifest = JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const dist = typeof target === "object" ? target.default : undefined;
      if (!dist?.startsWith("./dist/")) continue;
      const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      const source = dist.slice("./dist/".length).replace(/\.js$/, ".ts");
      entries.set(specifier, join(root, "packages", dir, "src", source));
    }
  }
  return entries;
}

function fedkitSources(root: string): Plugin {
  const entries = sourceEntries(root);
  return {
    name: "fedkit-sources",
    setup(b) {
      b.onResolve({ filter: /^@fedkit\// }, (args) => {
        const path = entries.get(args.path);
        return path === undefined ? undefined : { path };
      });
    },
  };
}

/** What one bundle deploys: every chunk's text, and their gzip sizes summed. */
export interface EdgeBundle {
  readonly code: string;
  readonly gzipBytes: number;
}

/**
 * Bundles `entry` (a file, or `contents` given as an in-memory module resolved from `resolveDir`) with the options
 * of bench/lib/sample-bundle.mjs. `root` is the tree whose `packages/*` sources `@fedkit/*` resolve to; other
 * packages (jose) resolve from there too, or from `nodePaths`.
 */
export async function bundleEdge(
  entry: { file: string } | { contents: string; resolveDir: string },
  options: { root?: string; nodePaths?: string[] } = {},
): Promise<EdgeBundle> {
  const out = await build({
    ...("file" in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.contents, resolveDir: entry.resolveDir, loader: "ts" } }),
    ...EDGE_BUNDLE_OPTIONS,
    // Splitting needs entry files; an in-memory module is one chunk anyway.
    splitting: "file" in entry,
    outdir: "/virtual-out",
    write: false,
    logLevel: "silent",
    plugins: [fedkitSources(options.root ?? REPO_ROOT)],
    ...(options.nodePaths ? { nodePaths: options.nodePaths } : {}),
  });
  const chunks = (out.outputFiles ?? []).filter((f) => f.path.endsWith(".js"));
  return {
    code: chunks.map((f) => f.text).join("\n"),
    gzipBytes: chunks.reduce((sum, f) => sum + gzipSync(f.contents, { level: 9 }).byteLength, 0),
  };
}
