/// <reference types="node" />
/**
 * Test TLS material: a throwaway CA and a leaf for 127.0.0.1/localhost, shared by the emulator and Azurite and
 * trusted by worker processes through NODE_EXTRA_CA_CERTS (set by global-setup.ts before workers fork).
 */
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

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

/** Generates a CA and a leaf (RSA: Azurite's Node and every client accept it) and writes them to a temp dir. */
export async function createTestTls(now = Date.now()): Promise<TestTls> {
  const notBeforeDate = new Date(now - 3_600_000);
  const notAfterDate = new Date(now + 2 * 86_400_000);
  const ca = await generate([{ name: "commonName", value: "fedkit test CA" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const leaf = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), "fedkit-tls-"));
  const tls = {
    dir,
    caPath: join(dir, "ca.pem"),
    certPath: join(dir, "cert.pem"),
    keyPath: join(dir, "key.pem"),
    ca: ca.cert,
    cert: leaf.cert,
    key: leaf.private,
  };
  await writeFile(tls.caPath, tls.ca, { mode: 0o600 });
  await writeFile(tls.certPath, tls.cert, { mode: 0o600 });
  await writeFile(tls.keyPath, tls.key, { mode: 0o600 });
  return tls;
}

/** Loads the material global-setup.ts wrote; fails with the fix when the setup did not run. */
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
