// @fedkit/gcp benchmarks, side by side with google-auth-library (IdentityPoolClient) in one run against the same
// emulator (in a child process):
// 1. edge bundle of "get token + GCS GET" (esbuild, minified, gzip); google-auth-library is bundled for the
//    browser platform without Node built-ins and what esbuild says is recorded;
// 2. CPU (process.cpuUsage) and wall time per cold exchange (STS + generateAccessToken);
// 3. round trips per cold token, with and without impersonation (counted by the emulator);
// 4. 1,000 concurrent cold callers → requests that reached STS (counted by the emulator).
// Run through `npm run bench` (built packages); writes bench/results/gcp.json.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createFederation, staticToken } from "@fedkit/core";
import { consoleAudit } from "@fedkit/core/audit";
import { gcpProvider } from "@fedkit/gcp";
import { IdentityPoolClient } from "google-auth-library";
import { cpuPerCall, result, sizeOf, writeSuite } from "./lib/harness.mjs";

const here = new URL(".", import.meta.url).pathname;
const results = [];

// --- 1. bundle size -------------------------------------------------------------------------------------
const fedkitBrowser = await sizeOf(`${here}entries/gcp-fedkit.mjs`, { platform: "browser" });
const fedkitNeutral = await sizeOf(`${here}entries/gcp-fedkit.mjs`, { platform: "neutral" });
const googleBrowser = await sizeOf(`${here}entries/gcp-google-auth.mjs`, { platform: "browser" });
// With node:* (and bare Node built-ins) left external it bundles, but would not run on an edge runtime.
const googleExternal = await sizeOf(`${here}entries/gcp-google-auth.mjs`, {
  platform: "browser",
  external: [
    "node:*",
    "fs",
    "os",
    "path",
    "crypto",
    "http",
    "https",
    "stream",
    "url",
    "util",
    "events",
    "child_process",
    "querystring",
    "zlib",
    "net",
    "tls",
    "buffer",
    "assert",
    "process",
  ],
});
for (const [id, size] of [
  ["bundle-fedkit-browser", fedkitBrowser],
  ["bundle-fedkit-neutral", fedkitNeutral],
]) {
  if (size.errors.length > 0) throw new Error(`${id} did not bundle: ${size.errors.slice(0, 3).join("; ")}`);
  results.push(
    result({
      id,
      label: `edge bundle of a minimal entry (not the sample), token + GCS GET (fedkit, ${size.platform}, gzip)`,
      subject: "fedkit",
      metric: "gzipBytes",
      value: size.gzipBytes,
      unit: "bytes",
      comparedTo: "bundle-google-auth-node-external",
      detail: { minifiedBytes: size.bytes, warnings: size.warnings },
    }),
  );
}
results.push(
  result({
    id: "bundle-google-auth-browser-errors",
    label: "edge bundle, token + GCS GET (google-auth-library, browser): esbuild errors",
    subject: "google-auth-library",
    metric: "errors",
    value: googleBrowser.errors.length,
    unit: "errors",
    detail: { bundled: googleBrowser.errors.length === 0, esbuildSays: googleBrowser.errors.slice(0, 8) },
  }),
  result({
    id: "bundle-google-auth-node-external",
    label: "edge bundle (google-auth-library, Node built-ins external, gzip; cannot run on the edge)",
    subject: "google-auth-library",
    metric: "gzipBytes",
    value: googleExternal.gzipBytes ?? Number.NaN,
    unit: "bytes",
    detail: { minifiedBytes: googleExternal.bytes, errors: googleExternal.errors.slice(0, 5) },
  }),
);

// --- emulator in a child process ------------------------------------------------------------------------
const child = spawn(process.execPath, [`${here}entries/gcp-emulator-child.mjs`], {
  stdio: ["pipe", "pipe", "inherit"],
});
const lines = createInterface({ input: child.stdout });
const nextLine = () => new Promise((resolve) => lines.once("line", (line) => resolve(JSON.parse(line))));
const setup = await nextLine();
const stats = async () => {
  child.stdin.write("stats\n");
  return nextLine();
};
const { urls, audience, serviceAccount, token } = setup;
const endpoints = {
  stsEndpoint: urls.gcpSts,
  iamCredentialsEndpoint: urls.iamCredentials,
  allowCustomEndpoint: true,
};
const quietAudit = () => consoleAudit({ log: () => {} });

try {
  const fedkitCold = (impersonate) => async () => {
    const federation = createFederation({ source: staticToken(token), audit: quietAudit() });
    const gcp = gcpProvider({ audience, ...endpoints, ...(impersonate ? { serviceAccount } : {}) });
    const creds = await federation.getCredentials(gcp);
    if (!creds.token) throw new Error("no token");
  };
  const googleCold = (impersonate) => async () => {
    const client = new IdentityPoolClient({
      type: "external_account",
      audience,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `${urls.gcpSts}/v1/token`,
      ...(impersonate
        ? {
            service_account_impersonation_url: `${urls.iamCredentials}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`,
          }
        : {}),
      subject_token_supplier: { getSubjectToken: async () => token },
    });
    const { token: access } = await client.getAccessToken();
    if (!access) throw new Error("no token");
  };

  // --- 3. round trips per cold token ----------------------------------------------------------------------
  const total = (s) => (s.sts ?? 0) + (s.generateAccessToken ?? 0);
  for (const [subject, make] of [
    ["fedkit", fedkitCold],
    ["google-auth-library", googleCold],
  ]) {
    for (const impersonate of [false, true]) {
      const before = total(await stats());
      await make(impersonate)();
      const trips = total(await stats()) - before;
      results.push(
        result({
          id: `round-trips-${subject === "fedkit" ? "fedkit" : "google"}-${impersonate ? "impersonation" : "federated"}`,
          label: `round trips per cold token, ${impersonate ? "STS + impersonation" : "STS only"} (${subject})`,
          subject,
          metric: "requests",
          value: trips,
          unit: "requests",
          ...(subject === "fedkit"
            ? {
                target: {
                  op: "<=",
                  value: impersonate ? 2 : 1,
                  unit: "requests",
                  text: impersonate ? "2" : "1",
                },
              }
            : {}),
        }),
      );
    }
  }

  // --- 2. cold exchange CPU and wall time (with impersonation: two round trips each) -----------------------
  const fedkit = fedkitCold(true);
  const google = googleCold(true);
  for (let i = 0; i < 20; i++) {
    await fedkit();
    await google();
  }
  const cold = { fedkit: [], google: [] };
  for (let r = 0; r < 4; r++) {
    cold.fedkit.push(await cpuPerCall(fedkit, 50));
    cold.google.push(await cpuPerCall(google, 50));
  }
  const mean = (rows, key) => rows.reduce((a, b) => a + b[key], 0) / rows.length;
  const fCpu = mean(cold.fedkit, "cpuUs");
  const gCpu = mean(cold.google, "cpuUs");
  results.push(
    result({
      id: "cold-cpu-fedkit",
      label: "cold exchange CPU per call, STS + impersonation (fedkit, global fetch)",
      subject: "fedkit",
      metric: "cpuUs",
      value: Math.round(fCpu),
      unit: "µs",
      comparedTo: "cold-cpu-google",
      detail: { exchanges: 200, ratioToGoogle: Math.round((fCpu / gCpu) * 1000) / 1000 },
    }),
    result({
      id: "cold-cpu-google",
      label: "cold exchange CPU per call, STS + impersonation (IdentityPoolClient)",
      subject: "google-auth-library",
      metric: "cpuUs",
      value: Math.round(gCpu),
      unit: "µs",
      detail: { exchanges: 200 },
    }),
    result({
      id: "cold-wall-fedkit",
      label: "cold exchange wall time (fedkit)",
      subject: "fedkit",
      metric: "wallMs",
      value: Math.round(mean(cold.fedkit, "wallNs") / 1e4) / 100,
      unit: "ms",
      comparedTo: "cold-wall-google",
    }),
    result({
      id: "cold-wall-google",
      label: "cold exchange wall time (IdentityPoolClient)",
      subject: "google-auth-library",
      metric: "wallMs",
      value: Math.round(mean(cold.google, "wallNs") / 1e4) / 100,
      unit: "ms",
    }),
  );

  // --- 4. 1,000 concurrent cold callers -------------------------------------------------------------------
  const CALLERS = 1000;
  {
    const federation = createFederation({ source: staticToken(token), audit: quietAudit() });
    const gcp = gcpProvider({ audience, ...endpoints, serviceAccount });
    const before = await stats();
    const tokens = await Promise.all(Array.from({ length: CALLERS }, () => federation.getCredentials(gcp)));
    const after = await stats();
    if (new Set(tokens.map((t) => t.token)).size !== 1) throw new Error("callers got different tokens");
    results.push(
      result({
        id: "concurrent-sts-fedkit",
        label: `${CALLERS} concurrent cold callers → requests to STS (fedkit, one federation)`,
        subject: "fedkit",
        metric: "requests",
        value: (after.sts ?? 0) - (before.sts ?? 0),
        unit: "requests",
        target: { op: "<=", value: 1, unit: "requests", text: "1" },
        detail: { generateAccessToken: (after.generateAccessToken ?? 0) - (before.generateAccessToken ?? 0) },
      }),
    );
  }
  {
    const client = new IdentityPoolClient({
      type: "external_account",
      audience,
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `${urls.gcpSts}/v1/token`,
      service_account_impersonation_url: `${urls.iamCredentials}/v1/projects/-/serviceAccounts/${serviceAccount}:generateAccessToken`,
      subject_token_supplier: { getSubjectToken: async () => token },
    });
    const before = await stats();
    await Promise.all(Array.from({ length: CALLERS }, () => client.getAccessToken()));
    const after = await stats();
    results.push(
      result({
        id: "concurrent-sts-google",
        label: `${CALLERS} concurrent cold callers → requests to STS (IdentityPoolClient, one client)`,
        subject: "google-auth-library",
        metric: "requests",
        value: (after.sts ?? 0) - (before.sts ?? 0),
        unit: "requests",
        detail: { generateAccessToken: (after.generateAccessToken ?? 0) - (before.generateAccessToken ?? 0) },
      }),
    );
  }
} finally {
  child.stdin.end();
}

writeSuite(
  "gcp",
  "@fedkit/gcp vs google-auth-library (IdentityPoolClient): edge bundle of token + GCS GET, CPU and wall time per cold STS + impersonation exchange, round trips per cold token, and STS requests for 1,000 concurrent cold callers, against the same emulator",
  results,
);
