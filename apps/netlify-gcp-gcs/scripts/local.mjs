// `npm run local`: this site on Netlify's own edge runtime (Deno, from npm) against @fedkit/emulator's Google STS,
// IAM Credentials and Cloud Storage on 127.0.0.1. No Google project, no keys to manage: a throwaway issuer key is
// generated in memory, and the emulator gets the workload identity provider and service-account binding that
// `npm run trust-policy` prints for Google (from netlify/fedkit.config.js). `npm run local -- --check` requests
// /report and /unmapped, prints what happened and exits 0 only if the private object was read and the unmapped
// function was refused.
import { fileURLToPath } from "node:url";
import { registerTrustInEmulator } from "@fedkit/cli";
import { gcpStateOf, startEmulator } from "@fedkit/emulator";
import { generateIssuerKeys } from "@fedkit/netlify";
import { serveLocalSite } from "@fedkit/netlify/node";

const siteDir = fileURLToPath(new URL("..", import.meta.url));
const check = process.argv.includes("--check");
const BUCKET = "fedkit-reports";
const KEY = "reports/latest.csv";
const BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";

const { default: config } = await import("../netlify/fedkit.config.js");
const target = config.targets.reports;
const emulator = await startEmulator({
  gcp: {
    projectNumber: target.projectNumber,
    projectId: target.projectId,
    serviceAccounts: [{ email: target.serviceAccount }],
    buckets: [
      {
        name: BUCKET,
        objects: { [KEY]: BODY },
        bindings: [
          { role: "roles/storage.objectViewer", members: [`serviceAccount:${target.serviceAccount}`] },
        ],
      },
    ],
  },
});
const production = await generateIssuerKeys({ context: "production" });
const preview = await generateIssuerKeys({ context: "deploy-preview" });
const site = await serveLocalSite({
  siteDir,
  siteId: config.siteId,
  // What you set with `netlify env:set` on a real site (see .env.example), pointed at the emulator.
  env: (url) => ({
    FEDKIT_CONTEXT: "production",
    FEDKIT_SITE_URL: url,
    FEDKIT_ISSUER_KEYS: production.secret,
    FEDKIT_ISSUER_PUBLIC_KEYS: JSON.stringify({ "deploy-preview": { keys: [preview.publicJwk] } }),
    FEDKIT_GCP_STS_ENDPOINT: emulator.urls.gcpSts,
    FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT: emulator.urls.iamCredentials,
    FEDKIT_GCS_ORIGIN: emulator.urls.gcs,
    REPORTS_BUCKET: BUCKET,
  }),
  ...(check ? { output: () => undefined } : {}),
});

// What the gcloud commands of `npm run trust-policy` do in Google: the provider (issuer, attribute mapping and the
// condition pinning site, context and function) and the service account's binding for exactly that principal,
// registered the way `fedkit dev` registers them.
registerTrustInEmulator(emulator, { ...config, siteUrl: site.url }, "reports");
const state = gcpStateOf(emulator);

async function stop() {
  await site.stop();
  await emulator.stop();
}

if (check) {
  const report = await fetch(`${site.url}/report`);
  const unmapped = await fetch(`${site.url}/unmapped`);
  const result = {
    report: { status: report.status, body: await report.text() },
    unmapped: { status: unmapped.status, body: await unmapped.json() },
    exchanges: {
      sts: state.calls.get("sts") ?? 0,
      generateAccessToken: state.calls.get("generateAccessToken") ?? 0,
    },
  };
  await stop();
  const ok =
    result.report.status === 200 &&
    result.report.body === BODY &&
    result.unmapped.body?.error?.code === "policy_refused";
  console.log(JSON.stringify({ ok, ...result }));
  process.exit(ok ? 0 : 1);
}
console.log(
  `Site on the local edge runtime: ${site.url}  (emulator STS ${emulator.urls.gcpSts}, GCS ${emulator.urls.gcs})`,
);
console.log(`  curl ${site.url}/report      -> the private object`);
console.log(`  curl ${site.url}/unmapped    -> 403 policy_refused (not mapped in fedkit.config.js)`);
console.log("Ctrl-C to stop.");
process.once("SIGINT", () => void stop().then(() => process.exit(0)));
