/// <reference types="node" />
/**
 * The build (and prepack) step: copies the samples in `apps/` that declare `"fedkit": { "template": … }` into
 * `templates/`, with a manifest of the package versions and of the environment variables each one reads. The
 * samples stay the single source; `templates/` is ignored by git and rebuilt on every build and pack.
 *
 * @packageDocumentation
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { scanEnvNames } from "./env-scan.js";
import { CreateFedkitError } from "./errors.js";
import {
  CLOUDS,
  type Cloud,
  DEFAULT_PLATFORM,
  EXCLUDED,
  type TemplateEntry,
  type TemplatesManifest,
  templateMarker,
} from "./manifest.js";

const CODE = /\.(?:[cm]?[jt]s|tsx?)$/;

/** Every code file under `dir`, skipping what a template never carries. */
function codeFiles(dir: string, skip: (name: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (EXCLUDED.has(name) || skip(name) || name.endsWith(".test.ts")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...codeFiles(path, skip));
    else if (CODE.test(name)) out.push(path);
  }
  return out;
}

const scanFiles = (files: readonly string[]) =>
  [...new Set(files.flatMap((file) => scanEnvNames(readFileSync(file, "utf8"))))].sort();

/**
 * The variables a Netlify site reads through the library for a cloud: `@fedkit/netlify`'s shared sources plus
 * that cloud's plugin only, and the site issuer (`@fedkit/issuer`) it runs on.
 */
function libraryEnv(packagesDir: string, cloud: Cloud): string[] {
  const others = new Set(CLOUDS.filter((c) => c !== cloud).map((c) => `${c}.ts`));
  // `node/` is the CLI and local server, not the deployed site.
  const skip = (name: string) => name === "node" || others.has(name);
  return scanFiles([
    ...codeFiles(join(packagesDir, "netlify", "src"), skip),
    ...codeFiles(join(packagesDir, "issuer", "src"), skip),
  ]);
}

/** `workspace:*` / `workspace:^` become `^<version>` of the package at build time; other ranges stay. */
function realRanges(deps: Record<string, string> | undefined, versions: Readonly<Record<string, string>>) {
  const out: Record<string, string> = {};
  for (const [dep, range] of Object.entries(deps ?? {})) {
    if (!range.startsWith("workspace:")) {
      out[dep] = range;
      continue;
    }
    const version = versions[dep];
    if (version === undefined) {
      throw new CreateFedkitError(
        "templates_missing",
        `Sample depends on ${dep} (${range}), which is not a public package of this repository.`,
        "Templates may use workspace: ranges only for public @fedkit/* packages.",
      );
    }
    out[dep] = `^${version}`;
  }
  return out;
}

/**
 * Copies the samples and writes `templates/manifest.json`.
 *
 * @example
 * ```ts
 * buildTemplates({ repoRoot: "/src/fedkit", outDir: "/src/fedkit/packages/create-fedkit/templates" });
 * ```
 * @public
 */
export function buildTemplates(options: { repoRoot: string; outDir: string }): TemplatesManifest {
  const { repoRoot, outDir } = options;
  const appsDir = join(repoRoot, "apps");
  const versions: Record<string, string> = {};
  for (const dir of readdirSync(join(repoRoot, "packages"))) {
    const file = join(repoRoot, "packages", dir, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    if (!manifest.private && manifest.name.startsWith("@fedkit/")) versions[manifest.name] = manifest.version;
  }
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const templates: TemplateEntry[] = [];
  for (const name of readdirSync(appsDir).sort()) {
    const appDir = join(appsDir, name);
    const manifestFile = join(appDir, "package.json");
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    const marker = templateMarker(manifest);
    if (marker === undefined) continue;
    cpSync(appDir, join(outDir, name), {
      recursive: true,
      filter: (source) => !EXCLUDED.has(basename(source)),
    });
    // What users install: published ranges, not the monorepo's `workspace:` links; no template marker.
    const { fedkit: _marker, ...site } = manifest;
    site.dependencies = realRanges(manifest.dependencies, versions);
    if (manifest.devDependencies) site.devDependencies = realRanges(manifest.devDependencies, versions);
    writeFileSync(join(outDir, name, "package.json"), `${JSON.stringify(site, null, 2)}\n`);
    templates.push({
      name,
      platform: marker.platform,
      cloud: marker.cloud,
      description: String(manifest.description ?? "").replace(/^Template:\s*/, ""),
      local: typeof manifest.scripts?.local === "string",
      siteEnv: scanFiles(codeFiles(appDir)),
      libraryEnv:
        marker.platform === DEFAULT_PLATFORM ? libraryEnv(join(repoRoot, "packages"), marker.cloud) : [],
    });
  }
  const result: TemplatesManifest = { versions, templates };
  writeFileSync(join(outDir, "manifest.json"), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

// Run as the package's build/prepack step: dist/build-templates.js -> ../templates, repository root ../../..
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const packageDir = fileURLToPath(new URL("..", import.meta.url));
  const built = buildTemplates({
    repoRoot: join(packageDir, "..", ".."),
    outDir: join(packageDir, "templates"),
  });
  console.log(`create-fedkit: templates ${built.templates.map((t) => t.name).join(", ")}`);
}
