#!/usr/bin/env node
// Edge-safe entries: walks the import graph of every non-Node export of the edge packages (core, providers,
// netlify) from source and fails on any Node built-in, however deep. Biome's noNodejsModules checks files by
// path; this checks what an entry actually pulls in, so a helper moved out of `node/` cannot slip through.
// It also refuses the run-time forms that reach a built-in without an import statement: process.getBuiltinModule,
// require(), createRequire, process.binding/dlopen and an import() whose target is computed (it could name one).
// `--root <dir>` checks another tree laid out like this repo (the fixtures in test/fixtures/edge-imports prove
// each form fails).
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const rootFlag = process.argv.indexOf("--root");
const root =
  rootFlag === -1 ? join(dirname(fileURLToPath(import.meta.url)), "..") : resolve(process.argv[rootFlag + 1]);
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

// Run-time ways to a Node built-in that no import statement shows. Matched on code with comments removed.
const dynamicForms = [
  [/\bgetBuiltinModule\b/, "process.getBuiltinModule"],
  [/(?<![\w$.])require\s*\(/, "require()"],
  [/\bcreateRequire\b/, "createRequire"],
  [/\bprocess\s*(?:\?\.|\.)\s*(?:binding|_linkedBinding|dlopen)\b/, "process.binding/dlopen"],
  [/(?<![\w$.])import\s*\(\s*(?!["'])/, "import() of a computed specifier"],
];

function withoutComments(text) {
  // Good enough for this repo's sources: block comments, then line comments not inside a URL-like string.
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

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
  // A fixture tree (--root) holds only the packages its case needs; this repo must have them all.
  if (rootFlag !== -1 && !existsSync(join(dir, "package.json"))) continue;
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
      const code = withoutComments(text);
      for (const [pattern, form] of dynamicForms) {
        if (pattern.test(code)) {
          problems.push(
            `@fedkit/${name}${subpath === "." ? "" : subpath.slice(1)}: ${trail.join(" -> ")} uses ${form}`,
          );
        }
      }
      for (const match of code.matchAll(importRe)) {
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
