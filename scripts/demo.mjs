#!/usr/bin/env node
// `npm run demo`: the sample site (apps/netlify-aws-s3) on Netlify's own local edge runtime, against the local
// AWS emulator. Exits 0 only when every step behaved as expected; `--serve` keeps everything running.
import {
  auditCollector,
  bold,
  checks,
  dim,
  green,
  issuerEnv,
  load,
  loadCli,
  loadSample,
  printAudit,
  red,
  untilInterrupted,
} from "./demo/lib.mjs";

// `--platform`: only the platforms part (a GitHub Actions-shaped token and the Cloudflare Workers sample).
if (process.argv.includes("--platform")) {
  const ok = await (await import("./demo/platforms.mjs")).runPlatformsDemo();
  console.log(
    ok
      ? green(bold("\ndemo: everything behaved as expected"))
      : red(bold("\ndemo: something did not behave as expected")),
  );
  process.exit(ok ? 0 : 1);
}

const { startEmulator } = await load("@fedkit/emulator");
const { awsProvider } = await load("@fedkit/aws");
const { createFederation, staticToken } = await load("@fedkit/core");
const { memoryAudit } = await load("@fedkit/core/audit");
const { createSiteIssuer, generateIssuerKeys, importIssuerKeySet } = await load("@fedkit/netlify");
const { trustPolicyFor } = await load("@fedkit/netlify/trust");
const { serveLocalSite } = await load("@fedkit/netlify/node");
const { registerTrustInEmulator } = await loadCli();
const { sampleDir, sampleConfig } = await loadSample("netlify-aws-s3");

const serve = process.argv.includes("--serve");
const SITE_ID = sampleConfig.siteId;
const BUCKET = "fedkit-reports";
const OBJECT = "reports/latest.csv";
const BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";
const { results, check, ok: allPassed } = checks();
const audit = auditCollector(serve);

// The sample signs for eu-west-1 (apps/netlify-aws-s3/netlify/fedkit.config.js): its bucket lives there.
const emulator = await startEmulator({
  aws: { buckets: [{ name: BUCKET, region: "eu-west-1", objects: { [OBJECT]: BODY } }] },
});
const roleArn = `arn:aws:iam::${emulator.aws.accountId}:role/netlify-reports-reader`;
const production = await generateIssuerKeys({ context: "production" });
const preview = await generateIssuerKeys({ context: "deploy-preview" });
let site;
try {
  console.log(
    bold("\nfedkit demo: a Netlify edge function reads a private S3 object with no AWS key stored\n"),
  );
  site = await serveLocalSite({
    siteDir: sampleDir,
    siteId: SITE_ID,
    output: audit.output,
    env: (url) => ({
      ...issuerEnv(url, SITE_ID, production, preview),
      FEDKIT_AWS_STS_ENDPOINT: emulator.urls.sts,
      REPORTS_BUCKET_URL: `${emulator.urls.s3}/${BUCKET}`,
      REPORTS_ROLE_ARN: roleArn,
    }),
  });
  console.log(`emulator: STS ${emulator.urls.sts}, S3 ${emulator.urls.s3}`);
  console.log(
    `site:     ${site.url} (Netlify edge runtime, Deno; production issuer ${site.url}/oidc/production)\n`,
  );

  // What a user does once in their AWS account: an IAM OIDC provider per issuer and a role trusting it.
  const config = {
    ...sampleConfig,
    siteUrl: site.url,
    targets: { reports: { ...sampleConfig.targets.reports, roleArn } },
  };
  registerTrustInEmulator(emulator, config, "reports", [
    {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/reports/*` }],
    },
  ]);
  const trustPolicy = trustPolicyFor(config, "reports");
  console.log(dim('role trust policy (from trustPolicyFor(config, "reports")):'));
  console.log(dim(JSON.stringify(trustPolicy, null, 2)), "\n");

  const started = Date.now();
  const report = await fetch(`${site.url}/report`, { headers: { "x-nf-request-id": "demo-report-1" } });
  const text = await report.text();
  check(
    "GET /report streams the private object",
    report.status === 200 && text === BODY,
    `${report.status}, ${text.length} bytes, ${Date.now() - started} ms (first request starts Deno)`,
  );
  const again = Date.now();
  const second = await fetch(`${site.url}/report`, { headers: { "x-nf-request-id": "demo-report-2" } });
  // The local runtime starts a fresh Worker per request, so it exchanges again; on Netlify an isolate serves
  // many requests and the second one is a cache hit.
  check(
    "GET /report again",
    second.status === 200 && (await second.text()) === BODY,
    `${second.status}, ${Date.now() - again} ms (fresh isolate per request locally)`,
  );

  const unmapped = await fetch(`${site.url}/unmapped`, { headers: { "x-nf-request-id": "demo-unmapped-1" } });
  const unmappedBody = await unmapped.json();
  check(
    "GET /unmapped is refused (not mapped to the role)",
    unmapped.status === 403 && unmappedBody.error?.code === "policy_refused",
    `${unmapped.status} ${JSON.stringify(unmappedBody)}`,
  );

  // A deploy preview has its own key and issuer; production trust does not accept what it mints.
  const previewKeys = await importIssuerKeySet(preview.secret);
  const attempt = async (context) => {
    const issuer = createSiteIssuer({
      siteUrl: site.url,
      siteId: SITE_ID,
      context,
      keys: { ...previewKeys, context },
    });
    const token = await issuer.mint({ audience: "sts.amazonaws.com", functionName: "report" });
    const federation = createFederation({ source: staticToken(token), audit: memoryAudit() });
    const provider = awsProvider({
      roleArn,
      region: "eu-west-1",
      endpoint: emulator.urls.sts,
      allowCustomEndpoint: true,
    });
    return federation.getCredentials(provider).then(
      () => undefined,
      (error) => error,
    );
  };
  const refused = await attempt("deploy-preview");
  check(
    "a deploy-preview token is refused by the production role",
    refused?.cloudCode === "AccessDenied",
    `${refused?.code} / ${refused?.cloudCode}`,
  );
  const forged = await attempt("production");
  check(
    "a preview key posing as the production issuer is refused",
    forged?.cloudCode === "InvalidIdentityToken",
    `${forged?.code} / ${forged?.cloudCode}`,
  );

  const events = await printAudit(
    audit.lines,
    "audit lines (JSON, one per event; no token or secret in them):",
  );
  check(
    "audit recorded the exchange and the refusal",
    events.some((e) => e.type === "exchange") &&
      events.some((e) => e.type === "refusal" && e.correlationId === "demo-unmapped-1"),
  );
  check("no token in the audit lines", !audit.lines.join("\n").match(/eyJ[\w-]{10,}\.[\w-]{10,}/));

  if (serve) {
    console.log(bold(`\nserving: open ${site.url}/ or curl ${site.url}/report   (Ctrl-C to stop)`));
    await untilInterrupted();
  }
} catch (error) {
  check("demo ran", false, error instanceof Error ? error.message : String(error));
} finally {
  await site?.stop();
  await emulator.stop();
}
// The Azure sample (Entra emulator over TLS + Azurite over HTTPS) runs in a child process trusting its own CA.
results.push(await (await import("./demo/azure.mjs")).runAzureDemo({ serve }));
// The GCP part: apps/netlify-gcp-gcs against the emulator's Google endpoints.
results.push(await (await import("./demo/gcp.mjs")).runGcpDemo({ load, serve }));
// The SaaS part: apps/netlify-llm calls the emulator's Anthropic with no API key stored.
results.push(await (await import("./demo/llm.mjs")).runLlmDemo({ serve }));
// Other platforms: a GitHub Actions-shaped token and the Cloudflare Workers sample in workerd, to all three clouds.
if (!serve) results.push(await (await import("./demo/platforms.mjs")).runPlatformsDemo());
const ok = allPassed();
console.log(
  ok
    ? green(bold("\ndemo: everything behaved as expected"))
    : red(bold("\ndemo: something did not behave as expected")),
);
process.exit(ok ? 0 : 1);
