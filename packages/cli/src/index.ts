/**
 * `@fedkit/cli`: the `fedkit` command line. Use the `fedkit` bin; {@link run} runs it in-process.
 * @packageDocumentation
 */
export { type CliIo, ExitCode } from "./io.js";
export { run } from "./main.js";
