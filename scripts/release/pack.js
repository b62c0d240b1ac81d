// Packs every public package exactly as `pnpm publish -r` would: `pnpm pack` runs the prepack step and rewrites
// `workspace:` ranges to the versions being published. Shared by the release dry-run and the consumer test.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The public packages (not `private`) under packages/: name, version and directory. */
export function publicPackages() {
  const out = [];
  for (const dir of readdirSync(join(root, "packages")).sort()) {
    const file = join(root, "packages", dir, "package.json");
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, "utf8"));
    if (!manifest.private)
      out.push({ name: manifest.name, version: manifest.version, dir: join(root, "packages", dir) });
  }
  return out;
}

/** Packs each public package into `outDir` with the repository's pinned pnpm; returns them with `tarball` set. */
export function packAll(outDir) {
  const pnpm = join(root, "node_modules", ".bin", "pnpm");
  return publicPackages().map((pkg) => {
    const result = spawnSync(pnpm, ["pack", "--json", "--pack-destination", outDir], {
      cwd: pkg.dir,
      encoding: "utf8",
    });
    if (result.status !== 0)
      throw new Error(`pnpm pack ${pkg.name} failed:\n${result.stderr}${result.stdout}`);
    // Lifecycle output (prepack) precedes the JSON document.
    const json = JSON.parse(result.stdout.slice(result.stdout.indexOf("{\n")));
    return { ...pkg, tarball: json.filename, files: json.files.map((f) => f.path) };
  });
}
