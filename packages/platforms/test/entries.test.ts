/// <reference types="node" />
/**
 * Issue 10's dependency direction for @fedkit/platforms, entry by entry: the main entry and every runtime
 * adapter (`./cloudflare-workers`, `./vercel`, `./deno-deploy`, `./hono`, `./node`) load only core and the issuer
 * at run time; only `./trust` (trust generation needs the clouds' identity rules) loads a provider. The
 * workspace-wide check (test/dependency-direction.test.ts) covers the main entry; this one covers every subpath.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseImports } from "../../../test/support/import-graph.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  exports: Record<string, { default?: string } | string>;
};
const PROVIDERS = /^@fedkit\/(aws|gcp|azure|oauth)(\/|$)/;

function sourceOf(subpath: string): string {
  const target = manifest.exports[subpath];
  if (typeof target !== "object" || target.default === undefined) throw new Error(`no entry ${subpath}`);
  return join(packageDir, "src", target.default.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
}

function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")].find(
    (candidate) => existsSync(candidate) && statSync(candidate).isFile(),
  );
}

/** The packages of ours an entry loads at run time (type-only imports are erased), with the file importing each. */
function runtimeImports(entry: string): string[] {
  const found: string[] = [];
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of parseImports(file, readFileSync(file, "utf8"))) {
      if (edge.typeOnly) continue;
      if (edge.specifier.startsWith(".")) {
        const target = resolveRelative(file, edge.specifier);
        if (target !== undefined) pending.push(target);
      } else if (edge.specifier.startsWith("@fedkit/")) {
        found.push(`${relative(packageDir, file)} → ${edge.specifier}`);
      }
    }
  }
  return found;
}

const entries = Object.keys(manifest.exports).filter((subpath) => subpath !== "./package.json");

describe("@fedkit/platforms entries", () => {
  it("has the trust subpath and the adapters as entries", () => {
    expect(entries).toEqual(
      expect.arrayContaining([".", "./trust", "./cloudflare-workers", "./vercel", "./deno-deploy", "./hono"]),
    );
  });

  it.each(entries.filter((subpath) => subpath !== "./trust"))(
    "%s loads no provider at run time (only core and the issuer)",
    (subpath) => {
      const imports = runtimeImports(sourceOf(subpath));
      expect(imports.filter((line) => PROVIDERS.test(line.split(" → ")[1] as string))).toEqual([]);
      for (const line of imports) expect(line).toMatch(/→ @fedkit\/(core|issuer)(\/|$)/);
    },
  );

  it("./trust is where the clouds' identity rules come in (GCP's pool ids)", () => {
    expect(runtimeImports(sourceOf("./trust"))).toContain("src/trust/platform-trust.ts → @fedkit/gcp");
  });
});
