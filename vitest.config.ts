import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * Tests run against the TypeScript sources, not the built `dist/`, so a test never passes on stale output.
 * Each package's exports map (`./dist/x.js`) is mirrored onto `src/x.ts`; these aliases come from the exports maps
 * alone, so a new subpath (`@fedkit/core/cache`) needs no entry here.
 */
function sourceAliases(): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  for (const dir of readdirSync(`${root}packages`)) {
    let manifest: { name: string; exports?: Record<string, unknown> };
    try {
      manifest = JSON.parse(readFileSync(`${root}packages/${dir}/package.json`, "utf8"));
    } catch {
      continue;
    }
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target !== "object" || target === null) continue;
      const entry = (target as { default?: string }).default;
      // Published packages point at ./dist/x.js (mirrored onto src/x.ts); the private @fedkit/test-support has no
      // build and points at its ./src/x.ts directly.
      let source: string;
      if (entry?.startsWith("./dist/")) {
        source = `${root}packages/${dir}/src/${entry.slice("./dist/".length).replace(/\.js$/, ".ts")}`;
      } else if (entry?.startsWith("./src/") && entry.endsWith(".ts")) {
        source = `${root}packages/${dir}/${entry.slice(2)}`;
      } else continue;
      const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      aliases.push({ find: new RegExp(`^${specifier.replace(/[/.]/g, "\\$&")}$`), replacement: source });
    }
  }
  return aliases;
}

/** One vitest project per package (`vitest run --project aws`), plus one for the repo-level and app tests. */
function packageProjects() {
  const projects = [];
  for (const dir of readdirSync(`${root}packages`).sort()) {
    if (!existsSync(`${root}packages/${dir}/package.json`)) continue;
    projects.push({
      extends: true as const,
      test: {
        name: dir,
        // src/**/*.test.ts only until packages/netlify's co-located tests move to its test/ folder.
        include: [`packages/${dir}/test/**/*.test.ts`, `packages/${dir}/src/**/*.test.ts`],
      },
    });
  }
  projects.push({
    extends: true as const,
    test: { name: "repo", include: ["apps/*/test/**/*.test.ts", "test/**/*.test.ts"] },
  });
  return projects;
}

export default defineConfig({
  resolve: { alias: sourceAliases() },
  test: {
    projects: packageProjects(),
    exclude: ["**/node_modules/**", "**/dist/**", "**/*.deno.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Creates the test CA and sets NODE_EXTRA_CA_CERTS before workers fork (Azure/Entra/Azurite over https).
    globalSetup: ["test/global-setup.ts"],
    reporters: ["default"],
  },
});
