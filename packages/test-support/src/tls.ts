/// <reference types="node" />
/**
 * Test TLS material: a throwaway CA and a leaf for 127.0.0.1/localhost, shared by the emulator and Azurite and
 * trusted by worker processes through NODE_EXTRA_CA_CERTS (set by test/global-setup.ts before workers fork).
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateTlsMaterial } from "@fedkit/emulator";

export interface TestTls {
  readonly dir: string;
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

/** The variable naming the directory with ca.pem, cert.pem and key.pem. */
export const TLS_DIR_ENV = "FEDKIT_TEST_TLS_DIR";

/** Generates a CA and a leaf with the emulator's generator (EC P-256) and writes them to a temp dir. */
export async function createTestTls(now = Date.now()): Promise<TestTls> {
  const { ca, cert, key } = await generateTlsMaterial(now);
  const dir = await mkdtemp(join(tmpdir(), "fedkit-tls-"));
  const tls = {
    dir,
    caPath: join(dir, "ca.pem"),
    certPath: join(dir, "cert.pem"),
    keyPath: join(dir, "key.pem"),
    ca,
    cert,
    key,
  };
  await writeFile(tls.caPath, tls.ca, { mode: 0o600 });
  await writeFile(tls.certPath, tls.cert, { mode: 0o600 });
  await writeFile(tls.keyPath, tls.key, { mode: 0o600 });
  return tls;
}

/** Loads the material test/global-setup.ts wrote; fails with the fix when the setup did not run. */
export async function loadTestTls(): Promise<TestTls> {
  const dir = process.env[TLS_DIR_ENV];
  if (!dir) {
    throw new Error(
      `${TLS_DIR_ENV} is not set: run the tests through the root vitest.config.ts (its globalSetup creates the CA)`,
    );
  }
  const caPath = join(dir, "ca.pem");
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  const [ca, cert, key] = await Promise.all([caPath, certPath, keyPath].map((p) => readFile(p, "utf8")));
  return { dir, caPath, certPath, keyPath, ca: ca!, cert: cert!, key: key! };
}

/** The https front `fedkit dev` puts before a local site (Entra fetches https issuers only). */
export { httpsFront } from "@fedkit/cli";
