/** `fedkit doctor --site https://… [--context C]...`: issuer health per deploy context. */
import { parseCommand } from "../args.js";
import { type CliIo, ExitCode, paint, usageError } from "../io.js";
import { kidsOf } from "../keys/lifecycle.js";
import { keyDirectory, readContextKeys } from "../keys/store.js";
import { checkIssuer, type Finding } from "./issuer.js";

export const DOCTOR_HELP = `usage: fedkit doctor --site <https://origin> [--context <ctx>]... [--json]

Fetches each context's discovery document and JWKS the way the clouds do and checks: https, issuer equality,
content type, the current kid published, a staged next key, unique kids, no private members, Cache-Control,
clock skew against the Date header. With local keys (--key-site/--dir as for \`fedkit keys\`) the kids are
compared with the local key set.
  --site <url>      the deployed site origin (default FEDKIT_SITE_URL)
  --context <ctx>   deploy contexts to check (default production)
exit codes: 0 healthy, 1 findings, 2 usage`;

const OPTIONS = {
  site: { type: "string" },
  context: { type: "string", multiple: true },
  "key-site": { type: "string" },
  dir: { type: "string" },
} as const;

/** Runs `fedkit doctor`. @internal */
export async function doctorCommand(io: CliIo, argv: readonly string[]): Promise<ExitCode> {
  const parsed = parseCommand(io, argv, OPTIONS, DOCTOR_HELP);
  if (parsed === undefined) return ExitCode.ok;
  const { values } = parsed;
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
