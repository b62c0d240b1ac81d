/** `fedkit doctor --site https://… [--context C]...`: issuer health per deploy context. */
import { parseCommand } from "../args.js";
import { type CliIo, ExitCode, paint, usageError } from "../io.js";
import { kidsOf } from "../keys/lifecycle.js";
import { keyDirectory, readContextKeys } from "../keys/store.js";
import { checkIssuer, type Finding } from "./issuer.js";
import { replayCommand, tokenCommand } from "./replay.js";

export const DOCTOR_HELP = `usage: fedkit doctor --site <https://origin> [--context <ctx>]...
       fedkit doctor --target <name> [--context <ctx>] [cloud exports] [--drift]
       fedkit doctor --token <jwt> [--target <name>] [cloud exports]

Issuer health (--site): fetches each context's discovery document and JWKS the way the clouds do and checks: https, issuer equality,
content type, the current kid published, a staged next key, unique kids, no private members, Cache-Control,
clock skew against the Date header. With local keys (--key-site/--dir as for \`fedkit keys\`) the kids are
compared with the local key set.
  --site <url>      the deployed site origin (default FEDKIT_SITE_URL)
  --context <ctx>   deploy contexts to check (default production)

Trust replay (--target): mints the exact claims fedkit would mint for every mapped function, and the
mismatches a demo provokes (unmapped or other function, deploy-preview token, wrong audience, wrong issuer,
letter case), evaluates them as the cloud would and prints each claim: presented, expected, verdict, fix.
Flags trust that is too wide. Without exports it replays against the trust generated from the config.
  --aws-role <file>           aws iam get-role --role-name R --output json
  --aws-provider <file>       aws iam get-open-id-connect-provider --open-id-connect-provider-arn A --output json
  --gcp-provider <file>       gcloud iam workload-identity-pools providers describe P --format=json
  --gcp-policy <file>         gcloud iam service-accounts get-iam-policy SA --format=json
  --azure-credentials <file>  az ad app federated-credential list --id APP
  --drift                     compare the exports with the config's trust; exit 1 on any difference
  --config <path>             the fedkit config (default netlify/fedkit.config.js)
  --site-url <url>            the site origin (default FEDKIT_SITE_URL, else the config's siteUrl)

Token (--token): decodes a token, verifies it against this site's issuer (only the config's issuer URL is
fetched) and says which target would accept it and, claim by claim, why the others would not.
exit codes: 0 healthy, 1 findings, 2 usage`;

const OPTIONS = {
  site: { type: "string" },
  context: { type: "string", multiple: true },
  "key-site": { type: "string" },
  dir: { type: "string" },
  target: { type: "string" },
  config: { type: "string" },
  "site-url": { type: "string" },
  drift: { type: "boolean" },
  token: { type: "string" },
  "aws-role": { type: "string" },
  "aws-provider": { type: "string" },
  "gcp-provider": { type: "string" },
  "gcp-policy": { type: "string" },
  "azure-credentials": { type: "string" },
} as const;

/** Runs `fedkit doctor`. @internal */
export async function doctorCommand(io: CliIo, argv: readonly string[]): Promise<ExitCode> {
  const parsed = parseCommand(io, argv, OPTIONS, DOCTOR_HELP);
  if (parsed === undefined) return ExitCode.ok;
  const { values } = parsed;
  if (values.token !== undefined) return tokenCommand(io, values);
  if (values.target !== undefined || values.drift === true) return replayCommand(io, values);
  const site = values.site ?? io.env["FEDKIT_SITE_URL"];
  if (site === undefined) throw usageError("doctor needs --site <https://origin>.", DOCTOR_HELP);
  const dir = keyDirectory(
    io.env,
    io.cwd,
    values["key-site"] ?? io.env["FEDKIT_SITE_ID"] ?? "default",
    values.dir,
  );
  const results: Record<string, Finding[]> = {};
  for (const context of values.context ?? ["production"]) {
    const local = readContextKeys(dir, context);
    results[context] = await checkIssuer(
      io.fetch,
      site,
      context,
      io.now(),
      local === undefined ? undefined : kidsOf(local.current),
    );
  }
  const failed = Object.values(results).some((findings) => findings.some((f) => !f.ok));
  if (values.json === true)
    io.stdout(JSON.stringify({ command: "doctor", site, contexts: results, ok: !failed }, null, 2));
  else {
    const c = paint(io);
    const lines: string[] = [];
    for (const [context, findings] of Object.entries(results)) {
      lines.push(c.bold(`issuer ${context}`));
      const width = Math.max(...findings.map((f) => f.check.length));
      for (const f of findings) {
        lines.push(`  ${f.ok ? c.green("ok  ") : c.red("FAIL")}  ${f.check.padEnd(width)}  ${f.detail}`);
        if (f.fix !== undefined) lines.push(`        ${" ".repeat(width)}  ${c.yellow(`fix: ${f.fix}`)}`);
      }
    }
    io.stdout(lines.join("\n"));
  }
  return failed ? ExitCode.findings : ExitCode.ok;
}
