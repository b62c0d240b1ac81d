/// <reference types="node" />
// Bundles a sample for an edge runtime with esbuild as its platform's tooling would (browser conditions: ESM for
// workerd, a script for Vercel's Edge Runtime), resolving @fedkit/* to the TypeScript sources (like vitest's
// aliases), so the test never runs stale dist output.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";

const root = fileURLToPath(new URL("../../../", import.meta.url));

const fedkitSources: Plugin = {
  name: "fedkit-sources",
  setup(b) {
    b.onResolve({ filter: /^@fedkit\// }, ({ path }) => {
      const [, name, ...rest] = path.split("/");
      const manifest = JSON.parse(readFileSync(`${root}packages/${name}/package.json`, "utf8")) as {
        exports: Record<string, { default?: string }>;
      };
      const entry = manifest.exports[rest.length ? `./${rest.join("/")}` : "."]?.default;
      if (!entry) return { errors: [{ text: `no export ${path}` }] };
      const source = `${root}packages/${name}/src/${entry.slice("./dist/".length).replace(/\.js$/, ".ts")}`;
      return existsSync(source) ? { path: source } : { errors: [{ text: `missing ${source}` }] };
    });
  },
};

/** The bundled text: an ES module, or (`globalName`) a script that puts the module's exports on that global. */
export async function bundleForEdge(entry: string, options: { globalName?: string } = {}): Promise<string> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    ...(options.globalName ? { format: "iife", globalName: options.globalName } : { format: "esm" }),
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    target: "es2022",
    write: false,
    logLevel: "silent",
    plugins: [fedkitSources],
  });
  return result.outputFiles[0]!.text;
}
