#!/usr/bin/env node
// The Azure part of `npm run demo`: apps/netlify-azure-blob on Netlify's local edge runtime reads a private blob
// from Azurite (the real Azure Storage emulator, HTTPS, --oauth basic) with a token from the emulator's Entra
// (TLS), trusting the site's production issuer through the federated credential trustPolicyFor derives.
//
// Node reads NODE_EXTRA_CA_CERTS only at start-up, so runAzureDemo() generates a throwaway CA, then runs the
// demo in a child Node process that trusts it (and hands it to Deno as DENO_CERT). TLS verification stays on.
// Standalone: `node scripts/demo/azure.mjs [--serve]` (needs built packages).
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  auditCollector,
  bold,
  checks,
  dim,
  issuerEnv,
  load,
  loadCli,
  loadSample,
  printAudit,
  root,
  untilInterrupted,
} from "./lib.mjs";

const requireFrom = (pkg) => createRequire(join(root, "packages", pkg, "package.json"));
const TLS_DIR = "FEDKIT_DEMO_TLS_DIR";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "97e0a5b7-d745-40b6-94fe-5f77d35c6e05";
/** An app registration that trusts the emulator's own IdP: the storage account's owner, seeding only. */
export const SEEDER = "0f3a4c1e-8d1b-4b8e-9a7e-5c2d7e6f1a01";
const STORAGE = "https://storage.azure.com/.default";
const BODY = "quarter,revenue\nQ1,1200\nQ2,1350\n";

/**
 * Runs the Azure demo in a child process trusting a CA generated now; resolves true when every step behaved.
 * @param {{ serve?: boolean }} [options]
 */
export async function runAzureDemo(options = {}) {
  const dir = await mkdtemp(join(tmpdir(), "fedkit-demo-tls-"));
  try {
    const ca = await writeTls(dir);
    // The variable takes one file: keep whatever the user already trusts next to the demo CA.
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: read by Node at start-up, not an input of a turbo task
    const existing = process.env.NODE_EXTRA_CA_CERTS;
    const bundle = join(dir, "node-ca.pem");
    await writeFile(bundle, `${existing ? await readFile(existing, "utf8").catch(() => "") : ""}\n${ca}`);
    const child = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), "--child", ...(options.serve ? ["--serve"] : [])],
      { stdio: "inherit", env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle, [TLS_DIR]: dir } },
    );
    // Ctrl-C reaches the child too; it stops its servers and exits, and its exit code is the verdict.
    const ignore = () => undefined;
    process.on("SIGINT", ignore);
    const code = await new Promise((resolve) => child.once("exit", (c) => resolve(c)));
    process.off("SIGINT", ignore);
    return code === 0;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The emulator's CA and leaf for 127.0.0.1/localhost (used by Entra, Azurite and the site's https front). */
async function writeTls(dir) {
  const { generateTlsMaterial } = await load("@fedkit/emulator");
  const { ca, cert, key } = await generateTlsMaterial();
  await writeFile(join(dir, "ca.pem"), ca, { mode: 0o600 });
  await writeFile(join(dir, "cert.pem"), cert, { mode: 0o600 });
  await writeFile(join(dir, "key.pem"), key, { mode: 0o600 });
  return ca;
}

/** Azurite's Blob service on 127.0.0.1 (any port), HTTPS, --oauth basic, in memory: the CLI's, as `fedkit dev` runs it. */
export async function startAzurite(dir) {
  const main = join(
    dirname(requireFrom("test-support").resolve("azurite/package.json")),
    "dist/src/blob/main.js",
  );
  return (await loadCli()).startAzurite(main, {
    certPath: join(dir, "cert.pem"),
    keyPath: join(dir, "key.pem"),
  });
}

/** The CLI's https front (the one `fedkit dev` uses), with the demo's certificate files. */
async function httpsFront(dir, target) {
  const [cert, key] = await Promise.all(["cert.pem", "key.pem"].map((f) => readFile(join(dir, f), "utf8")));
  return (await loadCli()).httpsFront({ cert, key }, target);
}

/**
 * The storage account's owner puts `name` into the private container `private` (a separate app, {@link SEEDER},
 * trusted for seeding only; the emulator's Entra gives it a storage token, which Azurite takes).
 */
export async function seedBlob(emulator, azurite, name, body) {
  const { entraState } = await load("@fedkit/emulator");
  const { azureFetch, azureProvider } = await load("@fedkit/azure");
  const { callbackToken, createFederation } = await load("@fedkit/core");
  const { memoryAudit } = await load("@fedkit/core/audit");
  entraState(emulator.state).addFederatedCredential(SEEDER, {
    issuer: emulator.idp.issuer,
    subject: "seeder",
  });
  const seed = azureFetch(
    createFederation({
      source: callbackToken(() => emulator.idp.mint({ sub: "seeder", aud: "api://AzureADTokenExchange" })),
      audit: memoryAudit(),
    }),
    azureProvider({
      clientId: SEEDER,
      tenantId: TENANT,
      scope: STORAGE,
      authorityHost: emulator.urls.entra,
      allowCustomAuthority: true,
      env: () => ({}),
    }),
    { allowedOrigins: [azurite.origin] },
  );
  await seed(`${azurite.accountUrl}/private?restype=container`, { method: "PUT" });
  const put = await seed(`${azurite.accountUrl}/private/${name}`, {
    method: "PUT",
    headers: { "x-ms-blob-type": "BlockBlob", "content-type": "text/csv" },
    body,
  });
  if (put.status !== 201) throw new Error(`seeding Azurite failed with HTTP ${put.status}`);
}

async function child(serve) {
  const dir = process.env[TLS_DIR];
  const { startEmulator, entraState } = await load("@fedkit/emulator");
  const { azureProvider } = await load("@fedkit/azure");
  const { createFederation, staticToken } = await load("@fedkit/core");
  const { memoryAudit } = await load("@fedkit/core/audit");
  const { createSiteIssuer, generateIssuerKeys, importIssuerKeySet } = await load("@fedkit/netlify");
  const { trustPolicyFor } = await load("@fedkit/netlify/trust");
  const { serveLocalSite } = await load("@fedkit/netlify/node");
  const { sampleDir, sampleConfig } = await loadSample("netlify-azure-blob");
  const SITE_ID = sampleConfig.siteId;
  const { check, ok } = checks();
  const audit = auditCollector(serve);

  console.log(
    bold("\nfedkit demo (Azure): a Netlify edge function reads a private blob with no Azure secret stored\n"),
  );
  const [ca, cert, key] = await Promise.all(
    ["ca.pem", "cert.pem", "key.pem"].map((f) => readFile(join(dir, f), "utf8")),
  );
  let emulator;
  let azurite;
  let front;
  let site;
  try {
    [emulator, azurite] = await Promise.all([
      startEmulator({
        tls: { cert, key, ca },
        azure: { tenants: [{ tenantId: TENANT }], apps: [{ clientId: CLIENT }, { clientId: SEEDER }] },
      }),
      startAzurite(dir),
    ]);
    await seedBlob(emulator, azurite, "latest.csv", BODY);
    const entra = entraState(emulator.state);

    const production = await generateIssuerKeys({ context: "production" });
    const preview = await generateIssuerKeys({ context: "deploy-preview" });
    front = await httpsFront(dir, () => site?.url ?? "http://127.0.0.1:9");
    site = await serveLocalSite({
      siteDir: sampleDir,
      siteId: SITE_ID,
      output: audit.output,
      env: {
        DENO_CERT: join(dir, "ca.pem"),
        ...issuerEnv(front.url, SITE_ID, production, preview),
        FEDKIT_ENTRA_AUTHORITY: emulator.urls.entra,
        FEDKIT_BLOB_ORIGIN: azurite.origin,
        BLOB_CONTAINER_URL: `${azurite.accountUrl}/private`,
      },
    });
    console.log(
      `emulator: Entra ${emulator.urls.entra} (TLS)   Azurite ${azurite.origin} (HTTPS, --oauth basic)`,
    );
    console.log(`site:     ${front.url} (https front of the Netlify edge runtime at ${site.url})`);
    console.log(`          production issuer ${front.url}/oidc/production\n`);

    // What a user does once in Entra: the federated credential on the app registration, from the same config.
    const trust = trustPolicyFor({ ...sampleConfig, siteUrl: front.url }, "blobs");
    for (const { credential } of trust) {
      const { name, issuer, subject, audiences } = credential;
      entra.addFederatedCredential(CLIENT, { name, issuer, subject, audience: audiences[0] });
    }
    console.log(dim('federated credential (from trustPolicyFor(config, "blobs")):'));
    for (const { json, command } of trust) console.log(`${dim(json)}${dim(command)}\n`);

    const started = Date.now();
    const blob = await fetch(`${front.url}/blob?name=latest.csv`, {
      headers: { "x-nf-request-id": "demo-blob-1" },
    }).catch((error) => ({ status: 0, text: async () => String(error) }));
    const text = await blob.text();
    check(
      "GET /blob reads the private blob through the edge function",
      blob.status === 200 && text === BODY,
      `${blob.status}, ${text.length} bytes, ${Date.now() - started} ms (first request starts Deno)`,
    );
    const unmapped = await fetch(`${front.url}/unmapped`, {
      headers: { "x-nf-request-id": "demo-unmapped-1" },
    });
    const unmappedBody = await unmapped.json();
    check(
      "GET /unmapped is refused (not mapped to the app)",
      unmapped.status === 403 && unmappedBody.error?.code === "policy_refused",
      `${unmapped.status} ${JSON.stringify(unmappedBody)}`,
    );

    // A deploy preview signs with its own key as its own issuer and subject: no federated credential has them.
    const issuer = createSiteIssuer({
      siteUrl: front.url,
      siteId: SITE_ID,
      context: "deploy-preview",
      keys: await importIssuerKeySet(preview.secret),
    });
    const token = await issuer.mint({
      audience: "api://AzureADTokenExchange",
      functionName: "blob",
      subjectForm: "site",
    });
    const refused = await createFederation({ source: staticToken(token), audit: memoryAudit() })
      .getCredentials(
        azureProvider({
          clientId: CLIENT,
          tenantId: TENANT,
          scope: STORAGE,
          authorityHost: emulator.urls.entra,
          allowCustomAuthority: true,
          propagationAttempts: 1,
          env: () => ({}),
        }),
      )
      .then(
        () => undefined,
        (error) => error,
      );
    check(
      "a deploy-preview token is refused by Entra (no federated credential for its issuer/subject)",
      refused?.cloudCode === "AADSTS700211",
      `${refused?.code} / ${refused?.cloudCode}`,
    );
    if (refused?.hint) console.log(dim(`  hint: ${refused.hint}`));

    const events = await printAudit(
      audit.lines,
      "audit lines (JSON, one per event; no token or secret in them):",
    );
    check(
      "audit recorded the Azure exchange and the refusal",
      events.some((e) => e.type === "exchange" && e.provider === "azure") &&
        events.some((e) => e.type === "refusal" && e.correlationId === "demo-unmapped-1"),
    );
    check("no token in the audit lines", !audit.lines.join("\n").match(/eyJ[\w-]{10,}\.[\w-]{10,}/));

    if (serve) {
      console.log(bold(`\nserving: curl '${front.url}/blob?name=latest.csv'   (Ctrl-C to stop)`));
      await untilInterrupted();
    }
  } catch (error) {
    check("Azure demo ran", false, error instanceof Error ? error.message : String(error));
  } finally {
    await site?.stop();
    await Promise.all([front?.close(), emulator?.stop(), azurite?.stop()]);
  }
  return ok();
}

const self = process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url;
if (self && process.argv.includes("--child")) {
  process.exit((await child(process.argv.includes("--serve"))) ? 0 : 1);
} else if (self) {
  process.exit((await runAzureDemo({ serve: process.argv.includes("--serve") })) ? 0 : 1);
}
