/// <reference types="node" />
// The dependency direction of issue 10 §1, over the import graph of every package's src: the repository holds
// it, and a workspace built by hand with each kind of violation is refused for exactly that violation.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { directionViolations, parseImports, readWorkspaceGraph } from "./support/import-graph.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "fedkit-import-graph-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A workspace with core, aws, netlify (main entry + `./aws` subpath) and emulator, plus `extra` files. */
function workspace(name: string, extra: Record<string, string> = {}): string {
  const dir = join(work, name);
  const files: Record<string, string> = {
    "core/package.json": JSON.stringify({ name: "@fedkit/core" }),
    "core/src/index.ts": 'export { x } from "./x.js";\n',
    "core/src/x.ts": "export const x = 1;\n",
    "aws/package.json": JSON.stringify({ name: "@fedkit/aws" }),
    "aws/src/index.ts": 'import { x } from "@fedkit/core";\nexport const aws = x;\n',
    "netlify/package.json": JSON.stringify({ name: "@fedkit/netlify" }),
    "netlify/src/index.ts": 'export { adapter } from "./adapter.js";\n',
    "netlify/src/adapter.ts": 'import { x } from "@fedkit/core";\nexport const adapter = x;\n',
    "netlify/src/aws.ts": 'export { awsCloud } from "./clouds/aws.js";\n',
    "netlify/src/clouds/aws.ts": 'import { aws } from "@fedkit/aws";\nexport const awsCloud = aws;\n',
    "emulator/package.json": JSON.stringify({ name: "@fedkit/emulator" }),
    "emulator/src/index.ts": 'import type { x } from "@fedkit/core";\nexport type X = typeof x;\n',
    ...extra,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, "packages", path)), { recursive: true });
    writeFileSync(join(dir, "packages", path), text);
  }
  return dir;
}

describe("dependency direction", () => {
  it("holds in this repository: every package's src imports only the layers below it", () => {
    const graph = readWorkspaceGraph(root);
    expect(graph.map((p) => p.name)).toEqual(
      expect.arrayContaining(["@fedkit/core", "@fedkit/aws", "@fedkit/netlify"]),
    );
    // The graph is not empty: a parser that found no imports would pass every rule.
    const core = graph.find((p) => p.name === "@fedkit/aws");
    expect(core?.edges.some((e) => e.specifier === "@fedkit/core")).toBe(true);
    expect(directionViolations(graph)).toEqual([]);
  });

  it("accepts a well-layered workspace (providers only behind an adapter's opt-in subpath)", () => {
    expect(directionViolations(readWorkspaceGraph(workspace("clean")))).toEqual([]);
  });

  it("refuses core importing a provider", () => {
    const dir = workspace("core-to-aws", {
      "core/src/x.ts": 'import { aws } from "@fedkit/aws";\nexport const x = aws;\n',
    });
    expect(directionViolations(readWorkspaceGraph(dir))).toEqual([
      expect.stringMatching(
        /^packages\/core\/src\/x\.ts imports @fedkit\/aws \(provider\): core may import only nothing/,
      ),
    ]);
  });

  it("refuses a provider importing another provider or an adapter, through a dynamic import too", () => {
    const dir = workspace("aws-to-netlify", {
      "aws/src/index.ts": 'export const load = () => import("@fedkit/netlify/aws");\n',
    });
    expect(directionViolations(readWorkspaceGraph(dir))).toEqual([
      expect.stringContaining("imports @fedkit/netlify/aws (adapter)"),
    ]);
  });

  it("refuses an adapter's main entry reaching a provider (the opt-in subpath is the only way)", () => {
    const dir = workspace("netlify-main-to-aws", {
      "netlify/src/index.ts": 'export { awsCloud } from "./aws.js";\n',
    });
    expect(directionViolations(readWorkspaceGraph(dir))).toEqual([
      expect.stringMatching(/^packages\/netlify\/src\/clouds\/aws\.ts .*main entry must not load a provider/),
    ]);
  });

  it("refuses the emulator importing our packages at run time (type-only is fine)", () => {
    const dir = workspace("emulator-runtime", {
      "emulator/src/index.ts": 'import { x } from "@fedkit/core";\nexport const y = x;\n',
    });
    expect(directionViolations(readWorkspaceGraph(dir))).toEqual([
      expect.stringContaining("emulator may import only nothing"),
    ]);
  });

  it("refuses a src file importing the private test helpers, which themselves may import every layer", () => {
    const dir = workspace("src-to-test-support", {
      "test-support/package.json": JSON.stringify({ name: "@fedkit/test-support", private: true }),
      "test-support/src/clouds.ts":
        'import { aws } from "@fedkit/aws";\nimport { adapter } from "@fedkit/netlify";\nexport const both = [aws, adapter];\n',
      "aws/src/index.ts":
        'import { x } from "@fedkit/core";\nimport { both } from "@fedkit/test-support/clouds";\nexport const aws = [x, both];\n',
    });
    expect(directionViolations(readWorkspaceGraph(dir))).toEqual([
      expect.stringMatching(
        /^packages\/aws\/src\/index\.ts imports @fedkit\/test-support\/clouds \(test\): provider/,
      ),
    ]);
  });

  it("the test helpers are private and only ever a devDependency of ours", () => {
    const manifest = (dir: string) =>
      JSON.parse(readFileSync(join(root, "packages", dir, "package.json"), "utf8")) as {
        name: string;
        private?: boolean;
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
    expect(manifest("test-support").private).toBe(true);
    const users: string[] = [];
    for (const dir of readdirSync(join(root, "packages"))) {
      if (!existsSync(join(root, "packages", dir, "package.json"))) continue;
      const { name, dependencies = {}, devDependencies = {} } = manifest(dir);
      expect(dependencies, name).not.toHaveProperty(["@fedkit/test-support"]);
      if ("@fedkit/test-support" in devDependencies) users.push(name);
    }
    // Its users declare it (a test that imports it without the devDependency fails to type-check on a fresh install).
    expect(users).toEqual(
      expect.arrayContaining(["@fedkit/core", "@fedkit/aws", "@fedkit/gcp", "@fedkit/azure"]),
    );
  });

  it("refuses a package that declares no layer", () => {
    const dir = workspace("unknown", {
      "mystery/package.json": JSON.stringify({ name: "@fedkit/mystery" }),
      "mystery/src/index.ts": "",
    });
    expect(directionViolations(readWorkspaceGraph(dir))).toEqual([
      expect.stringContaining("@fedkit/mystery (packages/mystery) has no layer"),
    ]);
  });

  it("parses every import form and ignores prose and comments", () => {
    const text = [
      '// import { no } from "@fedkit/aws";',
      '/** See `@fedkit/gcp`, and import x from "@fedkit/azure" */',
      'import { a } from "@fedkit/core";',
      'import type { B } from "@fedkit/core/testing";',
      'export * from "./x.js";',
      'export type { C } from "./c.js";',
      'import "./side-effect.js";',
      'const m = await import("@fedkit/aws/node");',
      'import {\n  d,\n  e,\n} from "@fedkit/gcp";',
    ].join("\n");
    expect(parseImports("f.ts", text).map((e) => `${e.typeOnly ? "type " : ""}${e.specifier}`)).toEqual([
      "@fedkit/core",
      "type @fedkit/core/testing",
      "./x.js",
      "type ./c.js",
      "./side-effect.js",
      "@fedkit/aws/node",
      "@fedkit/gcp",
    ]);
  });
});
