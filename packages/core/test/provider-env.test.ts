import { defaultEnv, toEnvGetter } from "@fedkit/core/provider";
import { afterEach, describe, expect, it } from "vitest";

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

  it("is the one reader: trims values, and takes a getter, a record or a function returning a record", () => {
    expect(toEnvGetter({ A: "  x \n" })("A")).toBe("x");
    expect(toEnvGetter({ A: "   " })("A")).toBeUndefined();
    // The form @fedkit/azure's `env` option had: a function returning the whole environment.
    expect(toEnvGetter(() => ({ A: "from-record" }))("A")).toBe("from-record");
    expect(toEnvGetter(() => ({}))("A")).toBeUndefined();
    expect(toEnvGetter((n) => (n === "A" ? "from-getter" : undefined))("A")).toBe("from-getter");
    // A getter that throws reads as unset rather than crashing the provider's construction.
    const throwing = toEnvGetter(() => {
      throw new Error("PermissionDenied");
    });
    expect(throwing("A")).toBeUndefined();
  });

  it("reads nothing at import time: a variable set after import is seen at call time", () => {
    process.env.FEDKIT_LATE_VAR = "late";
    expect(defaultEnv("FEDKIT_LATE_VAR")).toBe("late");
    expect(toEnvGetter(undefined)("FEDKIT_LATE_VAR")).toBe("late");
    delete process.env.FEDKIT_LATE_VAR;
    expect(defaultEnv("FEDKIT_LATE_VAR")).toBeUndefined();
  });
});
