/// <reference types="node" />
/**
 * Vitest globalSetup: creates the test CA before worker processes fork, so NODE_EXTRA_CA_CERTS (read by Node at
 * start-up only) makes every worker — and Azure SDK clients in it — trust the emulator's and Azurite's https
 * listeners. TLS verification stays on everywhere; nothing sets NODE_TLS_REJECT_UNAUTHORIZED.
 *
 * Repo-wide (vitest.config.ts). Every vitest project inherits it, and vitest runs a project's global setup once
 * per project in the main process: only the first call creates the CA, so every worker trusts the same one.
 */
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTestTls, TLS_DIR_ENV } from "@fedkit/test-support/tls";

// Shared through globalThis, not module state: vitest may load this file once per project.
const shared = globalThis as { fedkitTestTls?: { created: Promise<string>; users: number } };

export default async function setup(): Promise<() => Promise<void>> {
  shared.fedkitTestTls ??= { created: createOnce(), users: 0 };
  const state = shared.fedkitTestTls;
  state.users++;
  const dir = await state.created;
  // The last project to finish removes the CA.
  return async () => {
    if (--state.users === 0) await rm(dir, { recursive: true, force: true });
  };
}

async function createOnce(): Promise<string> {
  const tls = await createTestTls();
  process.env[TLS_DIR_ENV] = tls.dir;
  // Both variables take one file: bundle our CA with any the developer already trusts.
  for (const name of ["NODE_EXTRA_CA_CERTS", "DENO_CERT"]) {
    const existing = process.env[name];
    if (existing === undefined || existing === "") {
      process.env[name] = tls.caPath;
      continue;
    }
    const bundle = join(tls.dir, `${name.toLowerCase()}.pem`);
    await writeFile(bundle, `${await readFile(existing, "utf8").catch(() => "")}\n${tls.ca}`);
    process.env[name] = bundle;
  }
  return tls.dir;
}
