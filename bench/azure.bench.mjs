// @fedkit/azure benchmarks, side by side with @azure/identity (MSAL inside) in one run against the same emulated
// Entra (over TLS, as MSAL requires):
// 1. edge bundle of "get an Entra token + blob GET" (esbuild, minified, gzip); @azure/identity's Node build
//    does not bundle for an edge runtime, so what esbuild says is recorded;
// 2. HTTP round trips to Entra per cold token;
// 3. token requests and wall time for 1,000 concurrent cold callers on one client (fedkit and @azure/identity).
// Run through `npm run bench` (built packages); writes bench/results/azure.json.
//
// The file runs in three roles, because Node reads NODE_EXTRA_CA_CERTS only at start-up: the parent measures
// bundles and spawns `--emulator` (the emulator with a generated CA), then `--measure` with that CA trusted.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const here = new URL(".", import.meta.url).pathname;
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";
const SUBJECT = "site:1234:context:production";
const SCOPE = "https://storage.azure.com/.default";

const role = process.argv[2];
if (role === "--emulator") await runEmulator();
else if (role === "--measure") await runMeasure();
else await runParent();

/** Child 1: the emulator with Entra over TLS, plus a loopback stats endpoint with Entra's request counters. */
async function runEmulator() {
  const { entraState, startEmulator } = await import("@fedkit/emulator");
  const emulator = await startEmulator({
    tls: true,
    azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: CLIENT }] },
  });
  const entra = entraState(emulator.state);
  entra.addFederatedCredential(CLIENT, { issuer: emulator.idp.issuer, subject: SUBJECT });
  const assertion = await emulator.idp.mint({
    sub: SUBJECT,
    aud: "api://AzureADTokenExchange",
    ttlSeconds: 3600,
  });
  const stats = createServer((_, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ httpRequests: entra.httpRequests, tokenRequests: entra.tokenRequests }));
  });
  await new Promise((resolve) => stats.listen(0, "127.0.0.1", resolve));
  const statsUrl = `http://127.0.0.1:${stats.address().port}`;
  console.log(JSON.stringify({ entra: emulator.urls.entra, ca: emulator.ca, assertion, statsUrl }));
  process.stdin.resume();
  process.stdin.on("end", async () => {
    stats.close();
    await emulator.stop();
    process.exit(0);
  });
}

/** Child 2: both clients against the emulator, the emulator's CA trusted through NODE_EXTRA_CA_CERTS. */
async function runMeasure() {
  const setup = JSON.parse(process.env.FEDKIT_AZURE_BENCH_SETUP);
  const { ClientAssertionCredential } = await import("@azure/identity");
  const { azureProvider } = await import("@fedkit/azure");
  const { consoleAudit } = await import("@fedkit/core/audit");
  const { createFederation, staticToken } = await import("@fedkit/core");
  const stats = async () => (await fetch(setup.statsUrl)).json();
  const delta = async (work) => {
    const before = await stats();
    await work();
    const after = await stats();
    return {
      http: after.httpRequests - before.httpRequests,
      token: after.tokenRequests - before.tokenRequests,
    };
  };
  const fedkitPair = () => ({
    federation: createFederation({
      source: staticToken(setup.assertion),
      audit: consoleAudit({ log: () => {} }),
    }),
    provider: azureProvider({
      clientId: CLIENT,
      tenantId: TENANT,
      scope: SCOPE,
      authorityHost: setup.entra,
      allowCustomAuthority: true,
      env: () => ({}),
    }),
  });
  const identity = () =>
    new ClientAssertionCredential(TENANT, CLIENT, async () => setup.assertion, {
      authorityHost: setup.entra,
      disableInstanceDiscovery: true,
    });

  const out = {};
  // Round trips per cold token, averaged over fresh clients.
  const RUNS = 5;
  let fedkitTrips = 0;
  let identityTrips = 0;
  for (let i = 0; i < RUNS; i++) {
    const { federation, provider } = fedkitPair();
    fedkitTrips += (await delta(() => federation.getCredentials(provider))).http;
    const credential = identity();
    identityTrips += (await delta(() => credential.getToken(SCOPE))).http;
  }
  out.roundTrips = { fedkit: fedkitTrips / RUNS, identity: identityTrips / RUNS, runs: RUNS };

  // Concurrent cold callers on one client.
  // Both with the same 1,000 callers on one cold client (one credential object), timed wall clock.
  const CALLERS = 1000;
  const timed = async (work) => {
    const started = performance.now();
    const counts = await delta(work);
    return { ...counts, wallMs: Math.round((performance.now() - started) * 10) / 10 };
  };
  const { federation, provider } = fedkitPair();
  const fedkitConcurrent = await timed(() =>
    Promise.all(Array.from({ length: CALLERS }, () => federation.getCredentials(provider))),
  );
  const credential = identity();
  const identityConcurrent = await timed(() =>
    Promise.all(Array.from({ length: CALLERS }, () => credential.getToken(SCOPE))),
  );
  const row = (c) => ({ callers: CALLERS, tokenRequests: c.token, httpRequests: c.http, wallMs: c.wallMs });
  out.concurrent = { fedkit: row(fedkitConcurrent), identity: row(identityConcurrent) };
  console.log(JSON.stringify(out));
}

/** Parent: bundle sizes, then the two children, then the results file. */
async function runParent() {
  const { result, sizeOf, writeSuite } = await import("./lib/harness.mjs");
  const results = [];

  // --- 1. bundle size ---------------------------------------------------------------------------------
  const fedkitNeutral = await sizeOf(`${here}entries/azure-fedkit.mjs`, { platform: "neutral" });
  const fedkitBrowser = await sizeOf(`${here}entries/azure-fedkit.mjs`, { platform: "browser" });
  const identityNeutral = await sizeOf(`${here}entries/azure-identity.mjs`, { platform: "neutral" });
  // @azure/identity ships a "workerd" build (Cloudflare); it still imports Node built-ins (nodejs_compat).
  const identityWorkerd = await sizeOf(`${here}entries/azure-identity.mjs`, {
    platform: "neutral",
    conditions: ["workerd", "worker", "import"],
  });
  const identityBrowser = await sizeOf(`${here}entries/azure-identity.mjs`, { platform: "browser" });
  const identityNode = await sizeOf(`${here}entries/azure-identity.mjs`, { platform: "node" });
  for (const [id, size] of [
    ["bundle-fedkit-neutral", fedkitNeutral],
    ["bundle-fedkit-browser", fedkitBrowser],
  ]) {
    if (size.errors.length > 0)
      throw new Error(`${id} did not bundle: ${size.errors.slice(0, 3).join("; ")}`);
    results.push(
      result({
        id,
        label: `edge bundle, Entra token + blob GET (fedkit, ${size.platform}, gzip)`,
        subject: "fedkit",
        metric: "gzipBytes",
        value: size.gzipBytes,
        unit: "bytes",
        comparedTo: "bundle-identity-neutral",
        // A minimal entry, demoted: no goal here. The Azure sample as written is the headline (samples suite).
        detail: { minifiedBytes: size.bytes, warnings: size.warnings },
      }),
    );
  }
  // An edge runtime has no Node built-ins: the neutral build is the honest one, and it fails.
  results.push(
    result({
      id: "bundle-identity-neutral",
      label: "edge bundle, Entra token + blob GET (@azure/identity, neutral): esbuild errors",
      subject: "@azure/identity",
      metric: "esbuildErrors",
      value: identityNeutral.errors.length,
      unit: "errors",
      detail: {
        firstErrors: identityNeutral.errors.slice(0, 5),
        workerdConditionErrors: identityWorkerd.errors.length,
        workerdFirstErrors: identityWorkerd.errors.slice(0, 3),
      },
    }),
  );
  results.push(
    result({
      id: "bundle-identity-node",
      label: "Node bundle of the same function (@azure/identity, node, gzip)",
      subject: "@azure/identity",
      metric: "gzipBytes",
      value: identityNode.gzipBytes ?? Number.NaN,
      unit: "bytes",
      detail: { minifiedBytes: identityNode.bytes, errors: identityNode.errors.slice(0, 3) },
    }),
  );
  results.push(
    result({
      id: "bundle-identity-browser",
      label: "browser bundle (@azure/identity's browser build: ClientAssertionCredential unsupported there)",
      subject: "@azure/identity",
      metric: "gzipBytes",
      value: identityBrowser.gzipBytes ?? Number.NaN,
      unit: "bytes",
      detail: { minifiedBytes: identityBrowser.bytes, errors: identityBrowser.errors.slice(0, 3) },
    }),
  );

  // --- 2 and 3: against the emulator --------------------------------------------------------------------
  const emulator = spawn(process.execPath, [`${here}azure.bench.mjs`, "--emulator"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const dir = mkdtempSync(join(tmpdir(), "fedkit-azure-bench-"));
  try {
    const setup = await new Promise((resolve, reject) => {
      emulator.once("error", reject);
      emulator.once("exit", (code) => reject(new Error(`emulator child exited with ${code}`)));
      createInterface({ input: emulator.stdout }).once("line", (line) => resolve(JSON.parse(line)));
    });
    const caFile = join(dir, "ca.pem");
    writeFileSync(caFile, setup.ca);
    const measured = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [`${here}azure.bench.mjs`, "--measure"], {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile, FEDKIT_AZURE_BENCH_SETUP: JSON.stringify(setup) },
      });
      let text = "";
      child.stdout.on("data", (chunk) => {
        text += chunk;
      });
      child.once("exit", (code) =>
        code === 0
          ? resolve(JSON.parse(text.trim().split("\n").at(-1)))
          : reject(new Error(`measure exited ${code}`)),
      );
    });
    const { roundTrips, concurrent } = measured;
    results.push(
      result({
        id: "round-trips-fedkit",
        label: "HTTP round trips to Entra per cold token (fedkit)",
        subject: "fedkit",
        metric: "roundTrips",
        value: roundTrips.fedkit,
        unit: "requests",
        comparedTo: "round-trips-identity",
        target: { op: "<=", value: 1, unit: "requests", text: "1 request" },
        detail: { runs: roundTrips.runs },
      }),
      result({
        id: "round-trips-identity",
        label: "HTTP round trips to Entra per cold token (@azure/identity, instance discovery off)",
        subject: "@azure/identity",
        metric: "roundTrips",
        value: roundTrips.identity,
        unit: "requests",
        detail: { runs: roundTrips.runs },
      }),
      result({
        id: "concurrent-fedkit",
        label: `token requests for ${concurrent.fedkit.callers} concurrent cold callers (fedkit)`,
        subject: "fedkit",
        metric: "tokenRequests",
        value: concurrent.fedkit.tokenRequests,
        unit: "requests",
        comparedTo: "concurrent-identity",
        target: { op: "<=", value: 1, unit: "requests", text: "1 request for 1,000 callers (issue 13 §1)" },
        detail: concurrent.fedkit,
      }),
      result({
        id: "concurrent-identity",
        label: `token requests for ${concurrent.identity.callers} concurrent cold callers (@azure/identity)`,
        subject: "@azure/identity",
        metric: "tokenRequests",
        value: concurrent.identity.tokenRequests,
        unit: "requests",
        detail: concurrent.identity,
      }),
      result({
        id: "concurrent-wall-fedkit",
        label: `wall time until all ${concurrent.fedkit.callers} concurrent cold callers hold a token (fedkit)`,
        subject: "fedkit",
        metric: "wallMs",
        value: concurrent.fedkit.wallMs,
        unit: "ms",
        comparedTo: "concurrent-wall-identity",
      }),
      result({
        id: "concurrent-wall-identity",
        label: `wall time until all ${concurrent.identity.callers} concurrent cold callers hold a token (@azure/identity)`,
        subject: "@azure/identity",
        metric: "wallMs",
        value: concurrent.identity.wallMs,
        unit: "ms",
      }),
    );
  } finally {
    emulator.stdin.end();
    rmSync(dir, { recursive: true, force: true });
  }
  writeSuite(
    "azure",
    "Entra token exchange: edge bundle, round trips per cold token and concurrent cold callers, fedkit vs @azure/identity against the same emulated Entra.",
    results,
  );
}
