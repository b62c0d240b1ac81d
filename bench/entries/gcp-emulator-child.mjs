// Runs the emulator with its Google services in its own process for bench/gcp.bench.mjs, so the emulator's CPU
// never counts against the client being measured. Prints one JSON line { urls, audience, serviceAccount, token },
// then answers each "stats" line on stdin with the Google endpoints' request counts; exits when stdin closes.
import { createInterface } from "node:readline";
import { startEmulator } from "@fedkit/emulator";
// Run-time provider registration (the issuer URL is only known once the IdP listens) lives in the GCP module.
import { addGcpProvider, gcpStateOf } from "../../packages/emulator/dist/gcp/index.js";

const serviceAccount = "reader@fedkit-emulator.iam.gserviceaccount.com";
const pool = "principalSet://iam.googleapis.com/projects/123456/locations/global/workloadIdentityPools/bench";
const emulator = await startEmulator({
  gcp: {
    projectNumber: "123456",
    pools: [{ poolId: "bench", providers: [] }],
    serviceAccounts: [
      {
        email: serviceAccount,
        bindings: [{ role: "roles/iam.workloadIdentityUser", members: [`${pool}/*`] }],
      },
    ],
    buckets: [
      {
        name: "private",
        bindings: [{ role: "roles/storage.objectViewer", members: [`serviceAccount:${serviceAccount}`] }],
        objects: { "report.csv": "a,b\n1,2\n" },
      },
    ],
  },
});
const state = gcpStateOf(emulator);
const audience = addGcpProvider(state, "bench", {
  providerId: "site",
  issuerUri: emulator.urls.idp,
  attributeMapping: { "google.subject": "assertion.sub", "attribute.context": "assertion.context" },
  attributeCondition: 'assertion.context == "production"',
});
const token = await emulator.idp.mint({
  sub: "bench",
  aud: `https:${audience}`,
  claims: { context: "production" },
  ttlSeconds: 3600,
});
process.stdout.write(`${JSON.stringify({ urls: emulator.urls, audience, serviceAccount, token })}\n`);
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "stats") process.stdout.write(`${JSON.stringify(Object.fromEntries(state.calls))}\n`);
});
process.stdin.on("end", async () => {
  await emulator.stop();
  process.exit(0);
});
