import { type ParseArgsConfig, parseArgs } from "node:util";
import { type CliIo, usageError } from "./io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Options every command takes. @internal */
export const COMMON = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
} as const satisfies Options;

/** The parsed values and positionals of a command. @internal */
export type ParsedCommand<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof COMMON; allowPositionals: true; strict: true }>
>;

/**
 * Parses a command's arguments strictly (an unknown option is a usage error naming the command's help), or
 * prints the help and returns `undefined` for `--help`.
 * @internal
 */
export function parseCommand<O extends Options>(
  io: CliIo,
  argv: readonly string[],
  options: O,
  help: string,
  positionals = 0,
): ParsedCommand<O> | undefined {
  const config = {
    args: [...argv],
    options: { ...options, ...COMMON },
    allowPositionals: true,
    strict: true,
  } as const;
  let parsed: ParsedCommand<O>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    throw usageError((error as Error).message, "Run the command with --help for its options.");
  }
  if ((parsed.values as { help?: boolean }).help === true) {
    io.stdout(help);
    return undefined;
  }
  if (parsed.positionals.length > positionals) {
    throw usageError(`Unexpected argument ${JSON.stringify(parsed.positionals[positionals])}.`, help);
  }
  return parsed;
}
