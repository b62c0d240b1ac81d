// `npm run local`: this site on Netlify's own edge runtime (Deno, from npm) against @fedkit/emulator's AWS STS and
// S3 on 127.0.0.1. No AWS account, no keys to manage: a throwaway issuer key is generated in memory, and the
// emulator is told to trust the site exactly as AWS would be (the OIDC providers and the role's trust policy come
// from netlify/fedkit.config.js). `npm run local -- --check` requests /report and /unmapped, prints what happened
// and exits 0 only if the private object was read and the unmapped function was refused.
import { fileURLToPath } from "node:url";
import { registerTrustInEmulator } from "@fedkit/cli";
import { startEmulator } from "@fedkit/emulator";
import { generateIssuerKeys } from "@fedkit/netlify";
import { serveLocalSite } from "@fedkit/netlify/node";

const siteDir = fileURLToPath(new URL("..", import.meta.url));
const check = process.argv.includes("--check");
const BUCKET = "fedkit-reports";
const KEY = "reports/latest.csv";
const BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";

const { default: config } = await import("../netlify/fedkit.config.js");
const emulator = await startEmulator({
  aws: { buckets: [{ name: BUCKET, region: "eu-west-1", objects: { [KEY]: BODY } }] },
});
const roleArn = `arn:aws:iam::${emulator.aws.accountId}:role/netlify-reports-reader`;
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
    FEDKIT_AWS_STS_ENDPOINT: emulator.urls.sts,
    REPORTS_BUCKET_URL: `${emulator.urls.s3}/${BUCKET}`,
    REPORTS_ROLE_ARN: roleArn,
  }),
  ...(check ? { output: () => undefined } : {}),
});

// What README step 4 does in AWS: an IAM OIDC provider per issuer, and the role with the generated trust policy
// (registered the way `fedkit dev` registers it).
const local = { ...config, siteUrl: site.url, targets: { reports: { ...config.targets.reports, roleArn } } };
registerTrustInEmulator(emulator, local, "reports", [
  {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/reports/*` }],
  },
]);

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
    sessions: [...emulator.state.aws.sessions.values()].map((s) => s.webIdentity?.sub),
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
  `Site on the local edge runtime: ${site.url}  (emulator STS ${emulator.urls.sts}, S3 ${emulator.urls.s3})`,
);
console.log(`  curl ${site.url}/report      -> the private object`);
console.log(`  curl ${site.url}/unmapped    -> 403 policy_refused (not mapped in fedkit.config.js)`);
console.log("Ctrl-C to stop.");
process.once("SIGINT", () => void stop().then(() => process.exit(0)));
