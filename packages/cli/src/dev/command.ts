/** `fedkit dev`: the site on Netlify's local edge runtime against @fedkit/emulator, in one command. */
import { resolve } from "node:path";
import { loadConfigFile, startEmulator } from "@fedkit/emulator";
import { parseCommand } from "../args.js";
import { loadConfig } from "../config.js";
import { type CliIo, ExitCode, paint, usageError } from "../io.js";
import { generateIssuerKeys, serveLocalSite } from "../issuer-api.js";
import { createLocalTls, httpsFront, resolveAzurite, startAzurite } from "./azure-local.js";
import { seedAzurite, withSeeder } from "./azurite-seed.js";
import { type CheckResult, type ExchangeCounts, exchangeCounts, runChecks } from "./check.js";
import { type RegisteredTrust, registerTrustInEmulator } from "./emulator-trust.js";
import { DEFAULT_SEED, expandUrls, loadSeed } from "./seed.js";

export const DEV_HELP = `usage: fedkit dev [--check] [--seed <file>] [--env NAME=VALUE ...] [--port <n>]

Runs the site in the working directory on Netlify's local edge runtime (Deno, from npm) against
@fedkit/emulator on 127.0.0.1. Issuer keys are generated in memory for this run (never written to disk), the
trust of every target of the config is registered in the emulator exactly as \`fedkit trust\` prints it, and the
functions get every FEDKIT_* variable pointed at the emulator. Ctrl-C (SIGINT) or SIGTERM stops everything.
AWS, GCP and Azure targets: for Azure, a CA is generated for the run, the emulator's Entra, Azurite (from the
site's devDependencies) and an https front of the site use it, and Deno trusts it through DENO_CERT.
  --check                run the seed's checks, print each outcome, stop; exit 0 only if all passed
  --seed <file>          the site's local seed (default fedkit.local.json): emulator config, Azurite blobs,
                         variables for the functions, checks
  --emulator <file>      an emulator JSON config to use instead of the seed's \`emulator\` section
  --env NAME=VALUE       an extra variable for the functions; {sts}, {s3}, {gcpSts}, {iamCredentials}, {gcs},
                         {entra}, {azurite}, {azuriteOrigin} are replaced by the local URLs (repeatable)
  --context <ctx>        the deploy context the functions run as (default production)
  --port <n>             the site's port on 127.0.0.1 (default: any free port)
  --config <path>        the fedkit config (default netlify/fedkit.config.js)
  --json                 print the URLs (or the check results) as one JSON line`;

const OPTIONS = {
  check: { type: "boolean" },
  seed: { type: "string" },
  emulator: { type: "string" },
  env: { type: "string", multiple: true },
  context: { type: "string" },
  port: { type: "string" },
  config: { type: "string" },
} as const;

/** The contexts whose issuers the site publishes locally: the samples' production and deploy-preview. */
const CONTEXTS = ["production", "deploy-preview"] as const;

/** Runs `fedkit dev` until SIGINT or SIGTERM, or, with `--check`, until the checks ran. @internal */
export async function devCommand(io: CliIo, argv: readonly string[]): Promise<ExitCode> {
  const parsed = parseCommand(io, argv, OPTIONS, DEV_HELP);
  if (parsed === undefined) return ExitCode.ok;
  const { values } = parsed;
  const context = values.context ?? "production";
  if (!(CONTEXTS as readonly string[]).includes(context)) {
    throw usageError(`Unknown --context ${context}.`, `Use one of: ${CONTEXTS.join(", ")}.`);
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw usageError(`--port ${values.port} is not a port number.`, "Pass 0..65535, or leave it out.");
  }
  const extra = (values.env ?? []).map(parseAssignment);
  const seed = loadSeed(io.cwd, values.seed) ?? {};
  const check = values.check === true;
  if (check && (seed.checks ?? []).length === 0) {
    throw usageError(
      `--check has nothing to request: ${values.seed ?? DEFAULT_SEED} declares no checks.`,
      'Add "checks": [{ "path": "/report", "status": 200, "body": "…" }] to the seed.',
    );
  }
  let emulatorConfig =
    values.emulator === undefined
      ? (seed.emulator ?? {})
      : await loadConfigFile(resolve(io.cwd, values.emulator));
  const azure = emulatorConfig.azure !== undefined || seed.azurite !== undefined;
  // Before anything starts: a site without Azurite gets the typed error and nothing to clean up.
  const azuriteMain = seed.azurite === undefined ? undefined : resolveAzurite(io.cwd);
  const stop = check ? undefined : signals();
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const tls = azure ? await createLocalTls() : undefined;
    if (tls) {
      cleanup.push(() => tls.remove());
      if (azuriteMain) emulatorConfig = withSeeder(emulatorConfig);
      emulatorConfig = { ...emulatorConfig, tls: { cert: tls.cert, key: tls.key, ca: tls.ca } };
    }
    const emulator = await startEmulator(emulatorConfig);
    cleanup.push(() => emulator.stop());
    const urls: Record<string, string> = { ...(emulator.urls as unknown as Record<string, string>) };
    if (azuriteMain && tls && seed.azurite) {
      const azurite = await startAzurite(azuriteMain, tls);
      cleanup.push(() => azurite.stop());
      Object.assign(urls, { azurite: azurite.accountUrl, azuriteOrigin: azurite.origin });
      await seedAzurite(emulator, azurite, seed.azurite, tls.ca);
    }
    let localUrl = "";
    const front = tls ? await httpsFront(tls, () => localUrl) : undefined;
    if (front) cleanup.push(() => front.close());
    const userEnv = Object.fromEntries([
      ...Object.entries(seed.env ?? {}).map(([n, v]) => [n, expandUrls(v, urls, `The seed's env.${n}`)]),
      ...extra.map(([n, v]) => [n, expandUrls(v, urls, `--env ${n}`)]),
    ]);
    // The config reads its variables from process.env in Node, as the functions read them from Netlify.env.
    Object.assign(process.env, userEnv);
    const keys = Object.fromEntries(
      await Promise.all(CONTEXTS.map(async (c) => [c, await generateIssuerKeys({ context: c })] as const)),
    );
    const others = CONTEXTS.filter((c) => c !== context);
    const site = await serveLocalSite({
      siteDir: io.cwd,
      port,
      env: (url) => {
        localUrl = url;
        return {
          ...emulatorEnv(urls),
          // Deno adds this CA to the roots it trusts: the emulator's Entra and Azurite present its leaf.
          ...(tls ? { DENO_CERT: tls.caPath } : {}),
          FEDKIT_CONTEXT: context,
          FEDKIT_SITE_URL: front?.url ?? url,
          ...(process.env["FEDKIT_SITE_ID"] ? { FEDKIT_SITE_ID: process.env["FEDKIT_SITE_ID"] } : {}),
          FEDKIT_ISSUER_KEYS: keys[context]?.secret ?? "",
          FEDKIT_ISSUER_PUBLIC_KEYS: JSON.stringify(
            Object.fromEntries(others.map((c) => [c, { keys: [keys[c]?.publicJwk] }])),
          ),
          ...userEnv,
        };
      },
      // The functions' lines (audit events, never a secret) are the run's log; a check prints its verdict only.
      output: check ? () => undefined : (line) => io.stdout(line),
    });
    cleanup.push(() => site.stop());
    const issuerOrigin = front?.url ?? site.url;
    const config = await loadConfig(io, values.config, issuerOrigin);
    const registered: RegisteredTrust[] = Object.keys(config.targets).map((target) =>
      registerTrustInEmulator(emulator, config, target),
    );
    if (check) {
      const before = exchangeCounts(emulator);
      const results = await runChecks(io.fetch, site.url, seed.checks ?? []);
      const after = exchangeCounts(emulator);
      const exchanges = Object.fromEntries(
        Object.entries(after).map(([cloud, count]) => [cloud, count - before[cloud as keyof ExchangeCounts]]),
      ) as unknown as ExchangeCounts;
      return printChecks(io, values.json === true, { results, exchanges, trust: registered });
    }
    printStarted(io, values.json === true, {
      site: site.url,
      issuerOrigin,
      emulator: urls,
      trust: registered,
    });
    await stop?.received;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    stop?.release();
  }
  return ExitCode.ok;
}

/** The runtime's endpoint variables, each pointed at the emulator's service. */
function emulatorEnv(urls: Record<string, string>): Record<string, string> {
  const pairs: [string, string | undefined][] = [
    ["FEDKIT_AWS_STS_ENDPOINT", urls["sts"]],
    ["FEDKIT_GCP_STS_ENDPOINT", urls["gcpSts"]],
    ["FEDKIT_GCP_IAM_CREDENTIALS_ENDPOINT", urls["iamCredentials"]],
    ["FEDKIT_GCS_ORIGIN", urls["gcs"]],
    // The Azure template's switch to a custom authority (`authorityHost` + `allowCustomAuthority`).
    ["FEDKIT_ENTRA_AUTHORITY", urls["entra"]],
  ];
  return Object.fromEntries(pairs.filter((pair): pair is [string, string] => pair[1] !== undefined));
}

function parseAssignment(text: string): [string, string] {
  const at = text.indexOf("=");
  const name = text.slice(0, at);
  if (at <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw usageError(
      `--env ${text} is not NAME=VALUE.`,
      "Pass e.g. --env REPORTS_BUCKET_URL={s3}/fedkit-reports.",
    );
  }
  return [name, text.slice(at + 1)];
}

interface Started {
  readonly site: string;
  readonly issuerOrigin: string;
  readonly emulator: Record<string, string>;
  readonly trust: readonly RegisteredTrust[];
}

function printStarted(io: CliIo, json: boolean, started: Started): void {
  if (json) {
    io.stdout(JSON.stringify(started));
    return;
  }
  const p = paint(io);
  const { site, issuerOrigin } = started;
  io.stdout(`${p.bold("site")}      ${site}  (Netlify edge runtime; issuers ${issuerOrigin}/oidc/<context>)`);
  if (issuerOrigin !== site)
    io.stdout(`${p.dim("https")}     ${issuerOrigin}  (the same site over TLS, for Entra)`);
  for (const [name, url] of Object.entries(started.emulator))
    io.stdout(`${p.dim("emulator")}  ${name.padEnd(15)} ${url}`);
  for (const r of started.trust) io.stdout(`${p.green("trusted")}   ${r.target} (${r.cloud}): ${r.trusts}`);
  io.stdout("Ctrl-C to stop.");
}

interface Checked {
  readonly results: readonly CheckResult[];
  readonly exchanges: ExchangeCounts;
  readonly trust: readonly RegisteredTrust[];
}

function printChecks(io: CliIo, json: boolean, { results, exchanges, trust }: Checked): ExitCode {
  const ok = results.every((r) => r.ok);
  if (json) {
    io.stdout(JSON.stringify({ ok, checks: results, exchanges, trust }));
  } else {
    const p = paint(io);
    for (const r of results) {
      io.stdout(
        r.ok ? `${p.green("ok")}    ${r.path}  ${r.status}` : `${p.red("FAIL")}  ${r.path}  ${r.reason}`,
      );
    }
    const failed = results.filter((r) => !r.ok).map((r) => r.path);
    io.stdout(
      ok
        ? `fedkit dev --check: ${results.length} checks passed.`
        : `fedkit dev --check: ${failed.length} of ${results.length} failed: ${failed.join(", ")}.`,
    );
  }
  return ok ? ExitCode.ok : ExitCode.findings;
}

/**
 * Resolves on the first SIGINT or SIGTERM. The listeners stay registered until `release` (after cleanup): the
 * edge runtime's process helper re-raises a signal that no other listener handles, which would end this process
 * with 130 before the site and emulator are stopped.
 */
function signals(): { received: Promise<void>; release: () => void } {
  let done!: () => void;
  const received = new Promise<void>((resolve) => {
    done = resolve;
  });
  const onSignal = () => done();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    received,
    release: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
