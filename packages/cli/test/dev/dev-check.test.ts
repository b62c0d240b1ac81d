import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/main.js";
import { children } from "../support/dev/children.js";

const apps = fileURLToPath(new URL("../../../../apps/", import.meta.url));
const denied = fileURLToPath(new URL("../support/dev/aws-s3-denied.local.json", import.meta.url));
const BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";
/** A JWT, a bearer header, or a private JWK member: none may ever be printed. */
const SECRET = /eyJ[\w-]{10,}\.|Bearer\s|"d"\s*:\s*"|PRIVATE KEY/;

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
});
const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

async function dev(cwd: string, argv: string[]) {
  let out = "";
  const capture = (text: string) => {
    out += `${text}\n`;
  };
  const code = await run(["dev", ...argv], { cwd, isTTY: false, stdout: capture, stderr: capture });
  return { code, out };
}

/** A site folder with only a seed (no node_modules): what a user has before `npm install`. */
function bareSite(seed: object): string {
  const dir = mkdtempSync(join(tmpdir(), "fedkit-dev-site-"));
  temp.push(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "bare-site", private: true }));
  writeFileSync(join(dir, "fedkit.local.json"), JSON.stringify(seed));
  return dir;
}

describe("fedkit dev --check", () => {
  it("runs the Azure sample: Entra over TLS (a CA made for the run), Azurite from the site's devDependencies, the private blob read through one Entra token; exit 0, no token or key printed, nothing left running", async () => {
    const { code, out } = await dev(join(apps, "netlify-azure-blob"), ["--check", "--json"]);
    expect(code, out).toBe(0);
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as {
      ok: boolean;
      checks: { path: string; ok: boolean; status: number }[];
      exchanges: { aws: number; gcp: number; azure: number; saas: number };
      trust: { cloud: string; trusts: string }[];
    };
    expect(result.ok).toBe(true);
    expect(result.checks).toEqual([
      { path: "/blob?name=latest.csv", ok: true, status: 200 },
      { path: "/unmapped", ok: true, status: 403 },
    ]);
    // The blob came through Entra: exactly one storage token for the mapped function, none for the unmapped one.
    expect(result.exchanges).toEqual({ aws: 0, gcp: 0, azure: 1, saas: 0 });
    expect(result.trust).toEqual([
      { target: "blobs", cloud: "azure", trusts: "97e0a5b7-d745-40b6-94fe-5f77d35c6e05" },
    ]);
    expect(out).not.toMatch(SECRET);
    expect(children()).toEqual([]);
  }, 120_000);

  it("runs the LLM sample: the emulated Anthropic gets the federation issuer and rule fedkit trust prints, and answers the mapped function through one token exchange", async () => {
    const { code, out } = await dev(join(apps, "netlify-llm"), ["--check", "--json"]);
    expect(code, out).toBe(0);
    const result = JSON.parse(out.trim().split("\n").at(-1)!) as {
      checks: { path: string; ok: boolean }[];
      exchanges: Record<string, number>;
      trust: { cloud: string; trusts: string }[];
    };
    expect(result.checks.map((c) => [c.path, c.ok])).toEqual([
      ["/chat?q=hello", true],
      ["/unmapped", true],
    ]);
    expect(result.exchanges).toEqual({ aws: 0, gcp: 0, azure: 0, saas: 1 });
    expect(result.trust).toEqual([{ target: "claude", cloud: "anthropic", trusts: "fdrl_01local" }]);
    expect(out).not.toMatch(SECRET);
    expect(children()).toEqual([]);
  }, 120_000);

  it("a check that fails exits 1 and names the read that failed and what came back (the role cannot read the object), printing no token", async () => {
    const { code, out } = await dev(join(apps, "netlify-aws-s3"), ["--check", "--seed", denied]);
    expect(code, out).toBe(1);
    expect(out).toMatch(/FAIL {2}\/report {2}expected 200, got 50\d /);
    expect(out).toMatch(/ok {4}\/unmapped {2}403/);
    expect(out).toContain("fedkit dev --check: 1 of 2 failed: /report.");
    expect(out).not.toContain(BODY);
    expect(out).not.toMatch(SECRET);
    expect(children()).toEqual([]);
  }, 120_000);

  it("a site seeding Azurite without azurite installed gets the typed error naming the install command, before anything starts", async () => {
    const dir = bareSite({ azurite: { private: { "a.txt": "a" } }, checks: [{ path: "/", status: 200 }] });
    const { code, out } = await dev(dir, ["--check", "--json"]);
    expect(code, out).toBe(1);
    const { error } = JSON.parse(out) as { error: { code: string; message: string; hint: string } };
    expect(error.code).toBe("azurite_missing");
    expect(error.message).toContain(dir);
    expect(error.hint).toContain("npm install --save-dev azurite@3.35.0");
    expect(children()).toEqual([]);
  });

  it("refuses --check when the seed declares no checks, and a seed placeholder no local service serves, with exit 2", async () => {
    const none = await dev(bareSite({ env: { A: "b" } }), ["--check"]);
    expect(none.code).toBe(2);
    expect(none.out).toContain("declares no checks");
    const unknown = await dev(bareSite({ env: { A: "{nowhere}/x" }, checks: [{ path: "/", status: 200 }] }), [
      "--check",
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain("The seed's env.A names {nowhere}");
    expect(children()).toEqual([]);
  }, 60_000);
});
