/** `fedkit trust --target NAME [--context C] --format json|aws|gcloud|az|terraform`. */
import { parseCommand } from "../args.js";
import { checkPlaceholders, loadConfig } from "../config.js";
import { type CliIo, ExitCode, usageError } from "../io.js";
import { issuerUrl, trustPolicyFor } from "../issuer-api.js";
import { FORMATS, type Format, renderTrust } from "./formats.js";

export const TRUST_HELP = `usage: fedkit trust --target <name> [--context <ctx>] [--format json|aws|gcloud|az|terraform]

The cloud-side trust of a target, from the same config the runtime enforces.
  --target <name>        a target of the config
  --context <ctx>        the deploy context to trust (default production)
  --format <f>           json (default), the target cloud's CLI commands (aws, gcloud, az), or terraform
  --config <path>        the fedkit config (default netlify/fedkit.config.js)
  --site-url <url>       the site origin (default FEDKIT_SITE_URL, else the config's siteUrl)
  --allow-placeholders   print trust that names the samples' placeholder ids and domains
  --json                 the trust and its inputs as JSON`;

const OPTIONS = {
  target: { type: "string" },
  context: { type: "string" },
  format: { type: "string" },
  config: { type: "string" },
  "site-url": { type: "string" },
  "allow-placeholders": { type: "boolean" },
} as const;

/** Runs `fedkit trust`. @internal */
export async function trustCommand(io: CliIo, argv: readonly string[]): Promise<ExitCode> {
  const parsed = parseCommand(io, argv, OPTIONS, TRUST_HELP);
  if (parsed === undefined) return ExitCode.ok;
  const { values } = parsed;
  const format = (values.format ?? "json") as Format;
  if (!FORMATS.includes(format)) {
    throw usageError(`Unknown --format ${values.format}.`, `Use one of: ${FORMATS.join(", ")}.`);
  }
  const config = await loadConfig(io, values.config, values["site-url"]);
  const names = Object.keys(config.targets);
  if (values.target === undefined || !Object.hasOwn(config.targets, values.target)) {
    throw usageError(
      values.target === undefined
        ? "trust needs --target <name>."
        : `No target named ${values.target} in the config.`,
      `Targets: ${names.join(", ") || "(none)"}.`,
    );
  }
  const context = values.context ?? "production";
  const trust = trustPolicyFor(config, values.target, { context });
  const target = config.targets[values.target]! as unknown as Record<string, unknown>;
  const input = {
    cloud: String(target["cloud"]),
    targetName: values.target,
    context,
    issuer: issuerUrl(config.siteUrl, context),
    target,
  };
  const output = renderTrust(trust, format, input);
  if (values["allow-placeholders"] !== true) checkPlaceholders(`${output}\n${JSON.stringify(trust)}`);
  if (values.json === true) {
    io.stdout(
      JSON.stringify(
        { target: values.target, cloud: input.cloud, context, issuer: input.issuer, format, trust, output },
        null,
        2,
      ),
    );
  } else io.stdout(output);
  return ExitCode.ok;
}
