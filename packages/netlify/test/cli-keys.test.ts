/// <reference types="node" />
// The key CLI writes the deploy context into every key set it generates, and refuses to rotate a key set that
// names none (written before the field was mandatory) or to move a key across contexts.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtPackagesPresent } from "./support.js";

const CLI = fileURLToPath(new URL("../dist/node/cli.js", import.meta.url));
const run = (args: string[], cwd: string) =>
  promisify(execFile)(process.execPath, [CLI, ...args], { cwd }).then(
    (out) => ({ code: 0, ...out }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe.skipIf(!builtPackagesPresent(["core", "aws", "gcp", "azure", "netlify"]))(
  "fedkit-netlify keys",
  () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), "fedkit-cli-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("generate writes each context's name into its key set, as a 0600 file", async () => {
      const out = await run(
        ["keys", "generate", "--context", "production", "--context", "deploy-preview"],
        dir,
      );
      expect(out.code).toBe(0);
      for (const context of ["production", "deploy-preview"]) {
        const file = join(dir, `fedkit-issuer-keys.${context}.json`);
        const doc = JSON.parse(await readFile(file, "utf8")) as { context: string; keys: { d?: string }[] };
        expect(doc.context).toBe(context);
        expect(typeof doc.keys[0]?.d).toBe("string");
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        // The private key is never printed.
        expect(out.stdout).not.toContain(doc.keys[0]!.d);
      }
    });

    it("stage and promote refuse a key set without a context, and a promotion across contexts", async () => {
      const production = join(dir, "fedkit-issuer-keys.production.json");
      const preview = join(dir, "fedkit-issuer-keys.deploy-preview.json");
      const { context: _context, ...old } = JSON.parse(await readFile(production, "utf8"));
      const legacy = join(dir, "legacy.json");
      await writeFile(legacy, JSON.stringify(old));
      const staged = await run(
        ["keys", "stage", "--current", legacy, "--next", preview, "--out", join(dir, "x.json")],
        dir,
      );
      expect(staged.code).toBe(1);
      expect(staged.stderr).toMatch(/names no deploy "context"/);
      const across = await run(
        ["keys", "promote", "--current", production, "--next", preview, "--out", join(dir, "y.json")],
        dir,
      );
      expect(across.code).toBe(1);
      expect(across.stderr).toMatch(/a key moves only within its own context/);
    });
  },
);
