/// <reference types="node" />
// The import graph of the workspace's sources, and the dependency direction it must hold (issue 10 §1):
// core knows nothing of ours, providers and the issuer know core, adapters know the issuer and core (and a
// provider only from an opt-in subpath such as `@fedkit/netlify/aws`), the emulator knows nothing of ours at run
// time. Parsing is deliberately simple (import/export specifiers and `import("…")`), because our sources are
// formatted by Biome: one specifier per `from "…"`.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Where a package sits in the layering; each layer names the packages of ours it may import. */
export type Layer = "core" | "provider" | "issuer" | "adapter" | "plugin" | "emulator" | "tool" | "test";

/** One import in one source file. */
export interface ImportEdge {
  /** The file, relative to the workspace root. */
  readonly file: string;
  /** The specifier as written (`@fedkit/core`, `./clouds/aws.js`, …). */
  readonly specifier: string;
  /** `import type` / `export type`: erased at build time, so it is no run-time dependency. */
  readonly typeOnly: boolean;
}

/** A package's sources and where its main entry is. */
export interface PackageGraph {
  readonly name: string;
  readonly dir: string;
  readonly edges: readonly ImportEdge[];
  /** Source files the main entry (`src/index.ts`) loads at run time through relative imports. */
  readonly reachableFromMain: ReadonlySet<string>;
}

const IMPORT =
  /(?:^|[\s;])(import|export)\s+(type\s+)?(?:[\w*${},\s]*?\s+from\s+)?["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** Every import of one file's text (comments removed first so a `@fedkit/aws` in prose is no edge). */
export function parseImports(file: string, text: string): ImportEdge[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const edges: ImportEdge[] = [];
  for (const match of code.matchAll(IMPORT)) {
    const specifier = match[3] ?? match[4];
    if (specifier === undefined) continue;
    edges.push({ file, specifier, typeOnly: match[2] !== undefined });
  }
  return edges;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (entry !== "test" && entry !== "__fixtures__") out.push(...sourceFiles(path));
    } else if (/\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry) && !entry.endsWith(".d.ts")) {
      out.push(path);
    }
  }
  return out;
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts"), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Reads every package under `<root>/packages` that has a `src/` folder. */
export function readWorkspaceGraph(root: string): PackageGraph[] {
  const packages: PackageGraph[] = [];
  for (const dirName of readdirSync(join(root, "packages")).sort()) {
    const dir = join(root, "packages", dirName);
    const src = join(dir, "src");
    if (!existsSync(join(dir, "package.json")) || !existsSync(src)) continue;
    const { name } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string };
    const byFile = new Map<string, ImportEdge[]>();
    for (const path of sourceFiles(src))
      byFile.set(path, parseImports(relative(root, path), readFileSync(path, "utf8")));
    const reachable = new Set<string>();
    const pending = [join(src, "index.ts")].filter((path) => byFile.has(path));
    while (pending.length > 0) {
      const path = pending.pop() as string;
      if (reachable.has(path)) continue;
      reachable.add(path);
      for (const edge of byFile.get(path) ?? []) {
        // `import type` is erased at build time: it loads nothing at run time.
        if (!edge.specifier.startsWith(".") || edge.typeOnly) continue;
        const target = resolveRelative(path, edge.specifier);
        if (target !== undefined && byFile.has(target)) pending.push(target);
      }
    }
    packages.push({
      name,
      dir: relative(root, dir),
      edges: [...byFile.values()].flat(),
      reachableFromMain: new Set([...reachable].map((path) => relative(root, path))),
    });
  }
  return packages;
}

/** The layer of each package of ours. A package missing here fails the check: a new package declares its layer. */
export const LAYERS: Readonly<Record<string, Layer>> = {
  "@fedkit/core": "core",
  "@fedkit/aws": "provider",
  "@fedkit/gcp": "provider",
  "@fedkit/azure": "provider",
  "@fedkit/issuer": "issuer",
  // OpenAI, Anthropic, OpenRouter, RFC 8693/7523: providers of SaaS tokens, on core like the clouds.
  "@fedkit/oauth": "provider",
  // Platform token sources and (on subpaths) the Workers, Deno Deploy, Vercel, Hono and Node adapters: an adapter
  // like @fedkit/netlify. Its trust generation needs the clouds' identity rules (GCP's pool ids from @fedkit/gcp)
  // and lives on the opt-in subpath `@fedkit/platforms/trust`, which the main entry does not load.
  "@fedkit/platforms": "adapter",
  // Shared-cache drivers and the OpenTelemetry sink plug into core's cache and audit interfaces.
  "@fedkit/cache": "plugin",
  "@fedkit/otel": "plugin",
  "@fedkit/netlify": "adapter",
  "@fedkit/emulator": "emulator",
  "@fedkit/cli": "tool",
  "create-fedkit": "tool",
  // Private test helpers (never published): they may use every package, and no package's src may import them;
  // packages reach them only from their tests (devDependencies).
  "@fedkit/test-support": "test",
};

/**
 * Which layers a layer may import at run time (`tool` may import any published layer; nothing may import a tool;
 * `test` may import anything, and no layer lists it, so no `src` file of ours may import the test helpers).
 */
const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  core: [],
  provider: ["core"],
  issuer: ["core"],
  plugin: ["core"],
  adapter: ["core", "issuer"],
  emulator: [],
  tool: ["core", "provider", "issuer", "adapter", "plugin", "emulator"],
  test: ["core", "provider", "issuer", "adapter", "plugin", "emulator", "tool"],
};

function layerOf(name: string, layers: Readonly<Record<string, Layer>>): Layer | undefined {
  if (layers[name] !== undefined) return layers[name];
  return undefined;
}

/** The package a specifier names, when it is one of ours (`@fedkit/aws/node` → `@fedkit/aws`). */
function ourPackage(specifier: string, names: ReadonlySet<string>): string | undefined {
  const match = /^(@fedkit\/[^/]+|create-fedkit)(?:\/|$)/.exec(specifier);
  return match !== null && (names.has(match[1] as string) || match[1]?.startsWith("@fedkit/"))
    ? match[1]
    : undefined;
}

/** Every import that breaks the dependency direction, as readable sentences (empty when the graph holds it). */
export function directionViolations(
  packages: readonly PackageGraph[],
  layers: Readonly<Record<string, Layer>> = LAYERS,
): string[] {
  const names = new Set(packages.map((p) => p.name));
  const violations: string[] = [];
  for (const pkg of packages) {
    const layer = layerOf(pkg.name, layers);
    if (layer === undefined) {
      violations.push(
        `${pkg.name} (${pkg.dir}) has no layer: add it to LAYERS in test/support/import-graph.ts`,
      );
      continue;
    }
    for (const edge of pkg.edges) {
      const target = ourPackage(edge.specifier, names);
      if (target === undefined || target === pkg.name) continue;
      // Type-only imports are erased: the emulator may share types with the packages it stands in for.
      if (layer === "emulator" && edge.typeOnly) continue;
      const targetLayer = layerOf(target, layers);
      if (targetLayer !== undefined && ALLOWED[layer].includes(targetLayer)) continue;
      // An adapter reaches a provider only from files its main entry does not load (opt-in subpaths).
      if (layer === "adapter" && targetLayer === "provider" && !pkg.reachableFromMain.has(edge.file))
        continue;
      const why =
        layer === "adapter" && targetLayer === "provider"
          ? "an adapter's main entry must not load a provider; import it from an opt-in subpath"
          : `${layer} may import only ${ALLOWED[layer].join(", ") || "nothing of ours"}`;
      violations.push(`${edge.file} imports ${edge.specifier} (${targetLayer ?? "unknown layer"}): ${why}`);
    }
  }
  return violations;
}
