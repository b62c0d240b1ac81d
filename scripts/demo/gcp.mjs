// The GCP part of `npm run demo`: apps/netlify-gcp-gcs on Netlify's own local edge runtime, against the
// emulator's Google STS, IAM Credentials and Cloud Storage. The site's production issuer is registered as a
// provider in production's own workload identity pool (gcpPoolId(siteId, "production")) with the attribute
// condition from trustPolicyFor (site, context, subject prefix, function pinned), the reader service account
// trusts exactly that principal, and the bucket trusts the service account.
import {
  auditCollector,
  bold,
  checks,
  dim,
  issuerEnv,
  loadCli,
  loadSample,
  printAudit,
  untilInterrupted,
} from "./lib.mjs";

const BUCKET = "fedkit-reports";
const OBJECT = "reports/latest.csv";
const BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";

/**
 * Runs the GCP demo and returns whether every step behaved as expected.
 * @param {{ load: (name: string) => Promise<any>, serve?: boolean }} options
 */
export async function runGcpDemo({ load, serve = false }) {
  const { startEmulator, addGcpProvider, gcpStateOf } = await load("@fedkit/emulator");
  const { gcpProvider, parseProviderName } = await load("@fedkit/gcp");
  const { createFederation, staticToken } = await load("@fedkit/core");
  const { memoryAudit } = await load("@fedkit/core/audit");
  const { createSiteIssuer, generateIssuerKeys, importIssuerKeySet } = await load("@fedkit/netlify");
  const { trustPolicyFor } = await load("@fedkit/netlify/trust");
  const { serveLocalSite } = await load("@fedkit/netlify/node");
  const { sampleDir, sampleConfig } = await loadSample("netlify-gcp-gcs");
  const target = sampleConfig.targets.reports;
  const serviceAccount = target.serviceAccount;
  const { check, ok } = checks();
  const audit = auditCollector(serve);

  const emulator = await startEmulator({
    gcp: {
      projectNumber: target.projectNumber,
      projectId: target.projectId,
      serviceAccounts: [{ email: serviceAccount }],
      buckets: [
        {
          name: BUCKET,
          objects: { [OBJECT]: BODY },
          bindings: [{ role: "roles/storage.objectViewer", members: [`serviceAccount:${serviceAccount}`] }],
        },
      ],
    },
  });
  const production = await generateIssuerKeys({ context: "production" });
  const preview = await generateIssuerKeys({ context: "deploy-preview" });
  let site;
  try {
    console.log(
      bold(
        "\nfedkit demo, GCP: a Netlify edge function reads a private Cloud Storage object, no Google key\n",
      ),
    );
    site = await serveLocalSite({
      siteDir: sampleDir,
      siteId: sampleConfig.siteId,
      output: audit.output,
      env: (url) => ({
        ...issuerEnv(url, sampleConfig.siteId, production, preview),
        FEDKIT_GCP_STS_ENDPOINT: emulator.urls.gcpSts,
        FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT: emulator.urls.iamCredentials,
        FEDKIT_GCS_ORIGIN: emulator.urls.gcs,
        REPORTS_BUCKET: BUCKET,
      }),
    });
    console.log(
      `emulator: STS ${emulator.urls.gcpSts}, IAM Credentials ${emulator.urls.iamCredentials}, GCS ${emulator.urls.gcs}`,
    );
    console.log(`site:     ${site.url} (production issuer ${site.url}/oidc/production)\n`);

    // What a user does once in their project: the gcloud commands trustPolicyFor prints, applied to the emulator.
    const config = { ...sampleConfig, siteUrl: site.url };
    const trust = trustPolicyFor(config, "reports");
    const state = gcpStateOf(emulator);
    const { poolId } = parseProviderName(trust.workloadIdentityProvider);
    // A second, mistaken provider in the same pool (below) shows why GCP scopes identities to the pool.
    const registerProvider = (id, issuerUri, allowedAudiences) =>
      addGcpProvider(state, poolId, {
        providerId: id,
        issuerUri,
        attributeMapping: { ...trust.attributeMapping },
        attributeCondition: trust.attributeCondition,
        ...(allowedAudiences.length > 0 ? { allowedAudiences } : {}),
      });
    // The provider and the service account's binding, registered as `fedkit dev` does.
    (await loadCli()).registerTrustInEmulator(emulator, config, "reports");
    console.log(dim('gcloud commands (from trustPolicyFor(config, "reports")):'));
    console.log(dim(trust.gcloud.join("\n")), "\n");

    const started = Date.now();
    const report = await fetch(`${site.url}/report`, { headers: { "x-nf-request-id": "demo-gcp-report-1" } });
    const text = await report.text();
    check(
      "GET /report streams the private GCS object",
      report.status === 200 && text === BODY,
      `${report.status}, ${text.length} bytes, ${Date.now() - started} ms; STS ${state.calls.get("sts") ?? 0}, generateAccessToken ${state.calls.get("generateAccessToken") ?? 0}`,
    );
    const unmapped = await fetch(`${site.url}/unmapped`, {
      headers: { "x-nf-request-id": "demo-gcp-unmapped-1" },
    });
    const unmappedBody = await unmapped.json();
    check(
      "GET /unmapped is refused (not mapped to the target)",
      unmapped.status === 403 && unmappedBody.error?.code === "policy_refused",
      `${unmapped.status} ${JSON.stringify(unmappedBody)}`,
    );

    // Tokens minted outside the site, straight at Google STS: what the provider's trust lets through.
    const attempt = async ({ context, secret, functionName, audience }) => {
      const keys = await importIssuerKeySet(secret);
      const issuer = createSiteIssuer({
        siteUrl: site.url,
        siteId: sampleConfig.siteId,
        context,
        keys: { ...keys, context },
      });
      const token = await issuer.mint({ audience: trust.subjectAudience, functionName });
      const federation = createFederation({ source: staticToken(token), audit: memoryAudit() });
      const provider = gcpProvider({
        audience,
        subjectAudience: trust.subjectAudience,
        serviceAccount,
        stsEndpoint: emulator.urls.gcpSts,
        iamCredentialsEndpoint: emulator.urls.iamCredentials,
        allowCustomEndpoint: true,
      });
      return federation.getCredentials(provider).then(
        () => undefined,
        (error) => error,
      );
    };
    const previewToken = { context: "deploy-preview", secret: preview.secret, functionName: "report" };
    const wrongIssuer = await attempt({ ...previewToken, audience: trust.workloadIdentityProvider });
    check(
      "a deploy-preview token is refused by the production provider (not its issuer)",
      wrongIssuer?.code === "issuer_untrusted",
      `${wrongIssuer?.code} / ${wrongIssuer?.cloudCode}`,
    );
    // Isolates the attribute condition: a provider created, by mistake, for the preview issuer but with
    // production's condition (context == "production") lets the signature and issuer pass; the condition refuses.
    const mistaken = registerProvider("mistaken-preview", `${site.url}/oidc/deploy-preview`, [
      trust.subjectAudience,
    ]);
    const byCondition = await attempt({ ...previewToken, audience: mistaken });
    check(
      "a deploy-preview token is refused by the attribute condition (context pinned)",
      byCondition?.code === "subject_mismatch" && byCondition?.cloudCode === "unauthorized_client",
      `${byCondition?.code} / ${byCondition?.cloudCode}`,
    );
    const otherFunction = await attempt({
      context: "production",
      secret: production.secret,
      functionName: "unmapped",
      audience: trust.workloadIdentityProvider,
    });
    check(
      "a production token for another function is refused by the attribute condition (function pinned)",
      otherFunction?.cloudCode === "unauthorized_client",
      `${otherFunction?.code} / ${otherFunction?.cloudCode}`,
    );

    const events = await printAudit(
      audit.lines,
      "audit lines, GCP (JSON, one per event; no token or secret in them):",
    );
    check(
      "audit recorded the GCP exchange and the refusal",
      events.some((e) => e.type === "exchange" && e.provider === "gcp") &&
        events.some((e) => e.type === "refusal" && e.correlationId === "demo-gcp-unmapped-1"),
    );
    check(
      "no token in the GCP audit lines",
      !audit.lines.join("\n").match(/eyJ[\w-]{10,}\.[\w-]{10,}|ya29\./),
    );

    if (serve) {
      console.log(bold(`\nserving (GCP): open ${site.url}/ or curl ${site.url}/report   (Ctrl-C to stop)`));
      await untilInterrupted();
    }
  } catch (error) {
    check("GCP demo ran", false, error instanceof Error ? error.message : String(error));
  } finally {
    await site?.stop();
    await emulator.stop();
  }
  return ok();
}
