/// <reference types="node" />
// The issuer depends on core only and names no platform or cloud: adapters (Netlify today, Workers, Deno, Node
// next) and cloud packages build on it, never the other way round.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const src = new URL("../src/", import.meta.url);
const files = readdirSync(src).filter((name) => name.endsWith(".ts"));
const sources = files.map((name) => ({ name, text: readFileSync(new URL(name, src), "utf8") }));

describe("@fedkit/issuer's dependency direction", () => {
  it("imports only its own files, @fedkit/core and its provider toolkit", () => {
    const specifiers = sources.flatMap(({ text }) =>
      [...text.matchAll(/^\s*(?:import|export)[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]!),
    );
    expect(specifiers.length).toBeGreaterThan(files.length);
    const foreign = specifiers.filter(
      (s) => !s.startsWith("./") && s !== "@fedkit/core" && s !== "@fedkit/core/provider",
    );
    expect(foreign).toEqual([]);
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    expect(Object.keys(manifest.dependencies)).toEqual(["@fedkit/core"]);
  });

  it("names no cloud's claim and no platform's API in code", () => {
    for (const { name, text } of sources) {
      const code = text.replace(/\/\*\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
      expect(code, name).not.toMatch(/aws\.amazon\.com|Netlify\.|Deno\.|process\.env|node:/);
    }
  });
});
