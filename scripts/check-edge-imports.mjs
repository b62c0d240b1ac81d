#!/usr/bin/env node
// Edge-safe entries: walks the import graph of every non-Node export of the edge packages (core, providers,
// netlify) from source and fails on any Node built-in, however deep. Biome's noNodejsModules checks files by
// path; this checks what an entry actually pulls in, so a helper moved out of `node/` cannot slip through.
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const EDGE_PACKAGES = [
  "core",
  "aws",
  "gcp",
  "azure",
  "issuer",
  "netlify",
  "cache",
  "otel",
  "oauth",
  "platforms",
];
const builtins = new Set(builtinModules);
const importRe =
  /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

function isNodeBuiltin(spec) {
  return spec.startsWith("node:") || builtins.has(spec.split("/")[0]);
}

function resolveSource(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, ".ts"), `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

const problems = [];
let checked = 0;
for (const name of EDGE_PACKAGES) {
  const dir = join(root, "packages", name);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath.includes("node") || typeof target !== "object") continue;
    const entry = join(dir, "src", target.default.replace(/^\.\/dist\//, "").replace(/\.js$/, ".ts"));
    if (!existsSync(entry)) continue;
    const seen = new Set();
    const stack = [[entry, [relative(root, entry)]]];
    while (stack.length > 0) {
      const [file, trail] = stack.pop();
      if (seen.has(file)) continue;
      seen.add(file);
      checked++;
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(importRe)) {
        const spec = match[1] ?? match[2] ?? match[3];
        if (isNodeBuiltin(spec)) {
          problems.push(
            `@fedkit/${name}${subpath === "." ? "" : subpath.slice(1)}: ${[...trail, spec].join(" -> ")}`,
          );
        } else if (spec.startsWith(".")) {
          const next = resolveSource(file, spec);
          if (next) stack.push([next, [...trail, relative(root, next)]]);
        }
      }
    }
  }
}

if (problems.length > 0) {
  console.error("Node built-ins reached from an edge entry (move the code behind a ./node subpath):");
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`edge-safe: ${checked} source files reachable from edge entries import no Node built-in`);
