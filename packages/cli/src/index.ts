/**
 * `@fedkit/cli`: the `fedkit` command line. Use the `fedkit` bin; {@link run} runs it in-process.
 * @packageDocumentation
 */

export { httpsFront, type LocalAzurite, startAzurite } from "./dev/azure-local.js";
export {
  type AwsTrustExport,
  awsTrustExport,
  type GcpTrustExport,
  gcpTrustExport,
} from "./dev/emulator-export.js";
export { type RegisteredTrust, registerTrustInEmulator } from "./dev/emulator-trust.js";
export { type CliIo, ExitCode } from "./io.js";
export { run } from "./main.js";
