/** `fedkit dev`: the site on Netlify's local edge runtime against @fedkit/emulator, in one command. */
import { resolve } from "node:path";
import { loadConfigFile, startEmulator } from "@fedkit/emulator";
import { parseCommand } from "../args.js";
import { loadConfig } from "../config.js";
import { type CliIo, ExitCode, paint, usageError } from "../io.js";
import { generateIssuerKeys, serveLocalSite } from "../issuer-api.js";
import { type RegisteredTrust, registerTrustInEmulator } from "./emulator-trust.js";

export const DEV_HELP = `usage: fedkit dev [--emulator <config.json>] [--env NAME=VALUE ...] [--port <n>]

Runs the site in the working directory on Netlify's local edge runtime (Deno, from npm) against
@fedkit/emulator on 127.0.0.1. Issuer keys are generated in memory for this run (never written to disk), the
trust of every target of the config is registered in the emulator exactly as \`fedkit trust\` prints it, and the
functions get every FEDKIT_* variable pointed at the emulator. Ctrl-C (SIGINT) or SIGTERM stops everything.
AWS and GCP targets are supported; Azure needs https endpoints (use \`npm run demo -- --azure\`).
  --emulator <file>      the emulator's JSON config (buckets, objects, service accounts, role permissions)
  --env NAME=VALUE       an extra variable for the functions; {sts}, {s3}, {gcpSts}, {iamCredentials}, {gcs}
                         are replaced by the emulator's URLs (repeatable)
  --context <ctx>        the deploy context the functions run as (default production)
  --port <n>             the site's port on 127.0.0.1 (default: any free port)
  --config <path>        the fedkit config (default netlify/fedkit.config.js)
  --json                 print the URLs as one JSON line`;

const OPTIONS = {
  emulator: { type: "string" },
  env: { type: "string", multiple: true },
  context: { type: "string" },
  port: { type: "string" },
  config: { type: "string" },
} as const;

/** The contexts whose issuers the site publishes locally: the samples' production and deploy-preview. */
const CONTEXTS = ["production", "deploy-preview"] as const;

/** Runs `fedkit dev` until SIGINT or SIGTERM. @internal */
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
  const emulatorConfig =
    values.emulator === undefined ? {} : await loadConfigFile(resolve(io.cwd, values.emulator));
  const stop = signals();
  const emulator = await startEmulator(emulatorConfig);
  let stopSite: (() => Promise<void>) | undefined;
  try {
    const urls = emulator.urls as unknown as Record<string, string>;
    const userEnv = Object.fromEntries(extra.map(([name, value]) => [name, expand(value, urls)]));
    // The config reads its variables from process.env in Node, as the functions read them from Netlify.env.
    Object.assign(process.env, userEnv);
    const keys = Object.fromEntries(
      await Promise.all(CONTEXTS.map(async (c) => [c, await generateIssuerKeys({ context: c })] as const)),
    );
    const others = CONTEXTS.filter((c) => c !== context);
    const site = await serveLocalSite({
      siteDir: io.cwd,
      port,
      env: (url) => ({
        ...emulatorEnv(urls),
        FEDKIT_CONTEXT: context,
        FEDKIT_SITE_URL: url,
        ...(process.env["FEDKIT_SITE_ID"] ? { FEDKIT_SITE_ID: process.env["FEDKIT_SITE_ID"] } : {}),
        FEDKIT_ISSUER_KEYS: keys[context]?.secret ?? "",
        FEDKIT_ISSUER_PUBLIC_KEYS: JSON.stringify(
          Object.fromEntries(others.map((c) => [c, { keys: [keys[c]?.publicJwk] }])),
        ),
        ...userEnv,
      }),
      output: (line) => io.stdout(line),
    });
    stopSite = () => site.stop();
    const config = await loadConfig(io, values.config, site.url);
    const registered: RegisteredTrust[] = Object.keys(config.targets).map((target) =>
      registerTrustInEmulator(emulator, config, target),
    );
    printStarted(io, values.json === true, site.url, urls, registered);
    await stop.received;
  } finally {
    await stopSite?.();
    await emulator.stop();
    stop.release();
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

function expand(value: string, urls: Record<string, string>): string {
  return value.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const url = Object.hasOwn(urls, name) ? urls[name] : undefined;
    if (url === undefined) {
      throw usageError(
        `--env names {${name}}, which the emulator does not serve.`,
        `Use one of: ${Object.keys(urls)
          .map((n) => `{${n}}`)
          .join(", ")}.`,
      );
    }
    return url;
  });
}

function printStarted(
  io: CliIo,
  json: boolean,
  siteUrl: string,
  urls: Record<string, string>,
  registered: readonly RegisteredTrust[],
): void {
  if (json) {
    io.stdout(JSON.stringify({ site: siteUrl, emulator: urls, trust: registered }));
    return;
  }
  const p = paint(io);
  io.stdout(`${p.bold("site")}      ${siteUrl}  (Netlify edge runtime; issuers ${siteUrl}/oidc/<context>)`);
  for (const [name, url] of Object.entries(urls))
    io.stdout(`${p.dim("emulator")}  ${name.padEnd(15)} ${url}`);
  for (const r of registered) io.stdout(`${p.green("trusted")}   ${r.target} (${r.cloud}): ${r.trusts}`);
  io.stdout("Ctrl-C to stop.");
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
