import { afterEach, describe, expect, it } from "vitest";
import { defaultEnv, toEnvGetter } from "../src/env.js";

const g = globalThis as { Netlify?: unknown; Deno?: unknown };
afterEach(() => {
  delete g.Netlify;
  delete g.Deno;
});

describe("defaultEnv", () => {
  it("reads Netlify.env first, then Deno.env, then process.env", () => {
    process.env.FEDKIT_TEST_VAR = "from-process";
    expect(defaultEnv("FEDKIT_TEST_VAR")).toBe("from-process");
    g.Deno = { env: { get: (n: string) => (n === "FEDKIT_TEST_VAR" ? "from-deno" : undefined) } };
    expect(defaultEnv("FEDKIT_TEST_VAR")).toBe("from-deno");
    g.Netlify = { env: { get: (n: string) => (n === "FEDKIT_TEST_VAR" ? "from-netlify" : undefined) } };
    expect(defaultEnv("FEDKIT_TEST_VAR")).toBe("from-netlify");
    delete process.env.FEDKIT_TEST_VAR;
  });

  it("treats a throwing runtime (Deno without --allow-env) and empty values as unset", () => {
    g.Deno = {
      env: {
        get: () => {
          throw new Error("PermissionDenied");
        },
      },
    };
    expect(defaultEnv("FEDKIT_UNSET_VAR")).toBeUndefined();
    expect(toEnvGetter({ A: "" })("A")).toBeUndefined();
    expect(toEnvGetter({ A: "x" })("A")).toBe("x");
    expect(toEnvGetter((n) => `v-${n}`)("B")).toBe("v-B");
  });
});
