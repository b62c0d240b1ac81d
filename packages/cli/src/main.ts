import { devCommand } from "./dev/command.js";
import { doctorCommand } from "./doctor/command.js";
import { CliError, type CliIo, ExitCode, paint, processIo, usageError } from "./io.js";
import { keysCommand } from "./keys/command.js";
import { trustCommand } from "./trust/command.js";

const HELP = `usage: fedkit <command> [options]

commands:
  keys     generate | stage | promote | retire | revoke | status: the site issuer's keys per deploy context
  trust    the cloud-side trust of a target: JSON, aws, gcloud, az commands or Terraform
  doctor   check the deployed issuer (discovery, JWKS, caching, clock)
  dev      the site on Netlify's local edge runtime against the emulator, trust registered, until Ctrl-C

Every command takes --help and --json.
exit codes: 0 ok, 1 findings (a failed check, a refused operation), 2 usage`;

const COMMANDS: Record<string, (io: CliIo, argv: readonly string[]) => Promise<ExitCode>> = {
  keys: keysCommand,
  trust: trustCommand,
  doctor: doctorCommand,
  dev: devCommand,
};

/**
 * Runs the `fedkit` command line with `argv` (without the node and script paths) and returns its exit code:
 * 0 ok, 1 findings, 2 usage. Output goes to `io` (default: the process's streams, environment and clock).
 *
 * @example
 * ```ts
 * import { run } from "@fedkit/cli";
 * const code = await run(["keys", "status", "--json"]);
 * ```
 * @public
 */
export async function run(argv: readonly string[], io: Partial<CliIo> = {}): Promise<ExitCode> {
  const full: CliIo = { ...processIo(), ...io };
  const [command, ...rest] = argv;
  const json = argv.includes("--json");
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      full.stdout(HELP);
      return command === undefined ? ExitCode.usage : ExitCode.ok;
    }
    const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (handler === undefined) throw usageError(`Unknown command ${command}.`, HELP);
    return await handler(full, rest);
  } catch (thrown) {
    // Config and trust errors from the issuer carry a stable code and a fix hint, never a secret: a finding.
    const error =
      thrown instanceof Error && thrown.name === "FederationError"
        ? new CliError(thrown.message, ExitCode.findings, (thrown as { hint?: string }).hint)
        : thrown;
    if (!(error instanceof CliError)) throw error;
    if (json) {
      full.stdout(
        JSON.stringify(
          {
            error: {
              ...(error.code === undefined ? {} : { code: error.code }),
              message: error.message,
              hint: error.hint,
              exitCode: error.exitCode,
            },
          },
          null,
          2,
        ),
      );
    } else {
      const c = paint(full);
      full.stderr(
        `${c.red("fedkit:")} ${error.message}${error.hint === undefined ? "" : `\n${c.dim(error.hint)}`}`,
      );
    }
    return error.exitCode;
  }
}
