import { afterEach, describe, expect, it } from "vitest";
import { harness } from "./support/harness.js";

let h: ReturnType<typeof harness>;
afterEach(() => h?.cleanup());
const ESC = "\u001b[";

describe("fedkit: a user's habits", () => {
  it("colours on a terminal, and not when piped or with NO_COLOR", async () => {
    h = harness();
    const argv = ["keys", "generate", "--context", "production", "--alg", "ES384"];
    expect((await h.run(argv, { isTTY: true })).err).toContain(ESC);
    expect((await h.run(argv, { isTTY: false })).err).not.toContain(ESC);
    expect((await h.run(argv, { isTTY: true, env: { ...h.env, NO_COLOR: "1" } })).err).not.toContain(ESC);
  });

  it("reports errors as JSON on stdout under --json, with the exit code", async () => {
    h = harness();
    const result = await h.run(["keys", "generate", "--context", "production", "--alg", "ES384", "--json"]);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.out).error).toMatchObject({
      exitCode: 2,
      message: "--alg ES384 is not supported.",
    });
  });

  it("prints the command list for --help (exit 0) and without a command (exit 2)", async () => {
    h = harness();
    const help = await h.run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.out).toContain("exit codes: 0 ok, 1 findings");
    expect((await h.run([])).code).toBe(2);
    for (const command of ["keys", "trust", "doctor"]) {
      const sub = await h.run([command, "--help"]);
      expect(sub.code).toBe(0);
      expect(sub.out).toContain(`usage: fedkit ${command}`);
    }
  });
});
