// The floors beside the Deno goal rows only mean something if they are what they say: the jose + aws4fetch handler
// must bundle from those two libraries and itself (no fedkit code reaching it through a shared import), and the
// least-code handler of the first request must use no library at all, and the warm least signer only
// @noble/hashes.
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const { EDGE_BUNDLE_OPTIONS } = await import(new URL("../bench/lib/sample-bundle.mjs", import.meta.url).href);
const handler = (name: string) => new URL(`../bench/deno/${name}`, import.meta.url).pathname;

async function owners(name: string): Promise<string[]> {
  const out = await build({
    entryPoints: [handler(name)],
    ...EDGE_BUNDLE_OPTIONS,
    outdir: "/floor-test",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const found = new Set(
    Object.keys(out.metafile.inputs).map((path) =>
      path.endsWith(`bench/deno/${name}`)
        ? "handler"
        : (path.match(/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//)?.[1] ?? path),
    ),
  );
  return [...found].sort();
}

describe("the Deno suite's floors", () => {
  it("bundles the jose + aws4fetch handler from those two libraries and itself, with no fedkit code", async () => {
    expect(await owners("jose-aws4fetch-handler.mjs")).toEqual(["aws4fetch", "handler", "jose"]);
  });

  it("bundles the warm least signer from @noble/hashes and itself, with no fedkit code", async () => {
    expect(await owners("least-signer-handler.mjs")).toEqual(["@noble/hashes", "handler"]);
  });

  it("makes the first request's platform share with no import at all", () => {
    const source = readFileSync(handler("least-code-handler.mjs"), "utf8");
    expect(source).not.toMatch(/^\s*import\b/m);
    expect(source).not.toMatch(/\bimport\s*\(/);
    expect(source).toContain("export default");
  });
});
