// platformEnv asks only the first runtime present: reading `globalThis.process` in Deno loads its Node layer
// (tens of milliseconds of cold start), so with Netlify.env or Deno.env present it must never be touched.
import { afterEach, describe, expect, it } from "vitest";
import { platformEnv } from "../src/platform.js";

type Globals = { Netlify?: unknown; Deno?: unknown };
const globals = globalThis as Globals;
const processDescriptor = Object.getOwnPropertyDescriptor(globalThis, "process")!;

/** Counts reads of `globalThis.process` while `run` runs; the counter is read before any assertion. */
function processReads(run: () => void): number {
  let reads = 0;
  const value = processDescriptor.get ? processDescriptor.get.call(globalThis) : processDescriptor.value;
  Object.defineProperty(globalThis, "process", {
    configurable: true,
    get() {
      reads++;
      return value;
    },
  });
  try {
    run();
  } finally {
    Object.defineProperty(globalThis, "process", processDescriptor);
  }
  return reads;
}

afterEach(() => {
  delete globals.Netlify;
  delete globals.Deno;
});

describe("platformEnv", () => {
  it("with Netlify.env present, reads it alone: no Deno.env, no process", () => {
    globals.Netlify = { env: { get: (name: string) => (name === "A" ? "netlify" : undefined) } };
    globals.Deno = { env: { get: () => "deno" } };
    const seen: (string | undefined)[] = [];
    const reads = processReads(() => seen.push(platformEnv("A"), platformEnv("B")));
    expect(reads).toBe(0);
    expect(seen).toEqual(["netlify", undefined]);
  });

  it("with Deno.env present, never touches process; a Deno.env that throws (no --allow-env) reads as unset", () => {
    globals.Deno = { env: { get: (name: string) => (name === "A" ? "deno" : "") } };
    const seen: (string | undefined)[] = [];
    let reads = processReads(() => seen.push(platformEnv("A"), platformEnv("EMPTY")));
    expect(reads).toBe(0);
    expect(seen).toEqual(["deno", undefined]);
    globals.Deno = {
      env: {
        get: () => {
          throw new Error("Requires env access");
        },
      },
    };
    reads = processReads(() => seen.push(platformEnv("A")));
    expect(reads).toBe(0);
    expect(seen[2]).toBeUndefined();
  });

  it("falls back to process.env only when neither runtime is present", () => {
    process.env["FEDKIT_PLATFORM_ENV_TEST"] = "node";
    try {
      expect(platformEnv("FEDKIT_PLATFORM_ENV_TEST")).toBe("node");
      process.env["FEDKIT_PLATFORM_ENV_TEST"] = "";
      expect(platformEnv("FEDKIT_PLATFORM_ENV_TEST")).toBeUndefined();
    } finally {
      delete process.env["FEDKIT_PLATFORM_ENV_TEST"];
    }
  });
});
