#!/usr/bin/env node
/**
 * `fedkit-emulator --config emulator.config.json [--tls] [--json]`: starts the emulator, prints its URLs and runs
 * until interrupted.
 *
 * @packageDocumentation
 */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ConfigError, type EmulatorConfig, loadConfigFile, startEmulator } from "./index.js";

const USAGE = `Usage: fedkit-emulator [--config <file.json>] [--tls] [--ca-out <file.pem>] [--json]

  --config   JSON config (accounts, OIDC providers, roles, buckets); see docs/emulator.md
  --tls      serve https with a CA generated at start (overrides the config's tls)
  --ca-out   write the CA certificate (PEM) there, for clients to trust
  --json     print the URLs as one JSON line instead of a table`;

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let config: EmulatorConfig = {};
  try {
    if (args.values.config) config = await loadConfigFile(args.values.config);
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    return 2;
  }
  if (args.values.tls) config = { ...config, tls: true };
  const emulator = await startEmulator(config);
  if (args.values["ca-out"] && emulator.ca) await writeFile(args.values["ca-out"], emulator.ca);
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify({ urls: emulator.urls, tls: emulator.ca !== undefined })}\n`);
  } else {
    for (const [name, url] of Object.entries(emulator.urls))
      process.stdout.write(`${name.padEnd(16)}${url}\n`);
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await emulator.stop();
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      config: { type: "string", short: "c" },
      tls: { type: "boolean" },
      "ca-out": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`fedkit-emulator: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
