#!/usr/bin/env node
// TSDoc examples must be real: every function an `@example` calls (`name(...)` or `new Name(...)`, not a method)
// must exist: a name some fedkit entry point exports (the API reports in api/, which `api-report --check` keeps
// equal to the built packages), a function, class or constant the package's own sources declare, a name the
// example imports or declares itself, or a JavaScript global.
// A stand-in for the reader's own code is declared in the example (`declare function retryLater(): void;`), so
// a reader can tell it from a fedkit function. This is a name check, not a full type check: examples elide
// arguments (`...`) that a compiler would refuse.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const argRoot = process.argv.indexOf("--root");
const scanRoot = argRoot === -1 ? root : process.argv[argRoot + 1];

const exported = new Set();
for (const file of readdirSync(join(root, "api"))) {
  for (const match of readFileSync(join(root, "api", file), "utf8").matchAll(/^### (\w+) \(/gm)) {
    exported.add(match[1]);
  }
}
const KEYWORDS = new Set(
  "if for while switch catch function return typeof await new async import super yield void delete in of".split(
    " ",
  ),
);

/** Names an example brings into scope itself: imports, declarations, parameters of arrows it defines. */
function declaredIn(code) {
  const names = new Set();
  for (const m of code.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}/g))
    for (const n of m[1].split(","))
      names.add(
        n
          .trim()
          .split(/\s+as\s+/)
          .pop(),
      );
  for (const m of code.matchAll(/import\s+(\w+)|import\s+\*\s+as\s+(\w+)/g)) names.add(m[1] ?? m[2]);
  for (const m of code.matchAll(/\b(?:const|let|var|function|class)\s+(\w+)/g)) names.add(m[1]);
  for (const m of code.matchAll(/\b(?:const|let|var)\s+[{[]([^}\]=]*)[}\]]/g))
    for (const n of m[1].split(","))
      names.add(
        n
          .trim()
          .split(/\s*:\s*/)
          .pop()
          .split(/\s*=/)[0],
      );
  return names;
}

function examplesOf(text) {
  const found = [];
  for (const comment of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const body = comment[0].replace(/^\s*\*\s?/gm, "");
    const at = body.indexOf("@example");
    if (at === -1) continue;
    for (const block of body.slice(at).matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)) {
      found.push({ code: block[1], index: comment.index });
    }
  }
  return found;
}

function sourceFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const problems = [];
let checked = 0;
for (const name of readdirSync(join(scanRoot, "packages")).sort()) {
  const src = join(scanRoot, "packages", name, "src");
  if (!existsSync(src)) continue;
  // An example of an internal helper may call it and its siblings: names the package's sources declare exist too.
  const packageNames = new Set();
  for (const file of sourceFiles(src)) {
    for (const m of readFileSync(file, "utf8").matchAll(
      /\b(?:function|class|const|let)\s+([A-Za-z_$][\w$]*)/g,
    ))
      packageNames.add(m[1]);
  }
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, "utf8");
    for (const { code, index } of examplesOf(text)) {
      checked++;
      const local = declaredIn(code);
      const stripped = code.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""').replace(/\/\/.*$/gm, "");
      for (const m of stripped.matchAll(/(?<![\w$.])(?:new\s+)?([A-Za-z_$][\w$]*)\s*(?:<[^>()]*>)?\s*\(/g)) {
        const called = m[1];
        if (KEYWORDS.has(called) || local.has(called) || exported.has(called) || packageNames.has(called))
          continue;
        if (called in globalThis) continue;
        const line = text.slice(0, index).split("\n").length;
        problems.push(
          `${relative(scanRoot, file)}:${line}: @example calls ${called}(), which does not exist`,
        );
      }
    }
  }
}
if (problems.length > 0) {
  console.error("TSDoc examples call functions that do not exist:");
  for (const p of [...new Set(problems)]) console.error(`  ${p}`);
  process.exit(1);
}
console.log(`examples: ${checked} TSDoc @example blocks call only functions that exist`);
