/// <reference types="node" />
/**
 * Starts Azurite's Blob service (the real Azure Storage emulator, npm `azurite`) on loopback over HTTPS with
 * `--oauth basic`, in memory, for one test file. Azurite checks a bearer token's issuer, audience and expiry,
 * not its signature or any role assignment.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type LocalAzurite, startAzurite as startAzuriteWith } from "@fedkit/cli";
import type { TestTls } from "./tls.js";

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** A running Azurite Blob service (`origin`, path-style `accountUrl`, `stop()`). */
export type Azurite = LocalAzurite;

/** Azurite's Blob entry point, from this package's own `azurite` devDependency. */
function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
}

/**
 * Starts Azurite Blob on 127.0.0.1 (OS-chosen port) with HTTPS from `tls`, `--oauth basic`, in memory: the
 * CLI's `startAzurite` (the one `fedkit dev` runs), with the Azurite this package depends on.
 */
export function startAzurite(tls: TestTls): Promise<Azurite> {
  return startAzuriteWith(azuriteBlobMain(), tls);
}
