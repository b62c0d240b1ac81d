/**
 * What a command may touch of the outside world, passed in so tests drive the CLI without a terminal, a clock
 * or a network: output streams, the environment, the working directory, the clock and `fetch`.
 */

/**
 * Exit codes of every command: 0 ok, 1 findings (a check failed, drift, a refused operation), 2 usage.
 *
 * @example
 * ```ts
 * if ((await run(["doctor", "--drift", "--target", "reports", "--aws-role", "role.json"])) === ExitCode.findings) {
 *   process.exitCode = 1; // the deployed trust drifted from the config
 * }
 * ```
 * @public
 */
export const ExitCode = { ok: 0, findings: 1, usage: 2 } as const;

/** One of {@link ExitCode}'s values (`0 | 1 | 2`). @public */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The outside world of one CLI run. Every member defaults to the process's own in `run`.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * await run(["keys", "status", "--json"], { stdout: (text) => lines.push(text), isTTY: false });
 * ```
 * @public
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Whether stdout is a terminal: colour only then (and never with `NO_COLOR`). */
  readonly isTTY: boolean;
  readonly now: () => number;
  readonly fetch: typeof fetch;
}

/** The process's own {@link CliIo}. @internal */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    env: process.env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    now: () => Date.now(),
    fetch: (input, init) => globalThis.fetch(input, init),
  };
}

const CODES = { red: 31, green: 32, yellow: 33, bold: 1, dim: 2 } as const;

/** Colour helpers that are the identity when stdout is not a terminal or `NO_COLOR` is set. @internal */
export function paint(io: CliIo): Record<keyof typeof CODES, (text: string) => string> {
  const on = io.isTTY && (io.env["NO_COLOR"] ?? "") === "";
  const entries = Object.entries(CODES).map(([name, code]) => [
    name,
    (text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text),
  ]);
  return Object.fromEntries(entries) as Record<keyof typeof CODES, (text: string) => string>;
}

/**
 * A refusal or bad argument that ends the command with its exit code and a fix; `code`, when set, is stable
 * (scripts switch on it; `--json` prints it).
 * @internal
 */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Bad arguments: exit 2. @internal */
export const usageError = (message: string, hint?: string) => new CliError(message, ExitCode.usage, hint);
/** A refused operation or a failed check: exit 1. @internal */
export const refusal = (message: string, hint?: string) => new CliError(message, ExitCode.findings, hint);
