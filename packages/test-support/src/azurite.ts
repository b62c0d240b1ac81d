/// <reference types="node" />
/**
 * Starts Azurite's Blob service (the real Azure Storage emulator, npm `azurite`) on loopback over HTTPS with
 * `--oauth basic`, in memory, for one test file. Azurite checks a bearer token's issuer, audience and expiry,
 * not its signature or any role assignment.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { TestTls } from "./tls.js";

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  /** `https://127.0.0.1:<port>`. */
  readonly origin: string;
  /** `https://127.0.0.1:<port>/devstoreaccount1` (path-style account URL). */
  readonly accountUrl: string;
  stop(): Promise<void>;
}

/** AZURITE_DB would switch Azurite to a SQL backend; the tests want memory only. */
function withoutSqlBackend(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["AZURITE_DB"];
  return env;
}

function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("azurite/package.json")), "dist", "src", "blob", "main.js");
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => fail(new Error(`Azurite did not start in ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /successfully listens on (https:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve(match[1]);
      }
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once("exit", (code) => fail(new Error(`Azurite exited with ${code}:\n${output}`)));
  });
}

/**
 * Starts Azurite Blob on 127.0.0.1 (OS-chosen port) with HTTPS from `tls`, `--oauth basic`,
 * `--inMemoryPersistence`, `--skipApiVersionCheck`, `--loose`, `--disableTelemetry`; stop() kills it.
 */
export async function startAzurite(tls: TestTls, options: { timeoutMs?: number } = {}): Promise<Azurite> {
  const location = await mkdtemp(join(tmpdir(), "fedkit-azurite-"));
  const child = spawn(
    process.execPath,
    [
      azuriteBlobMain(),
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--oauth",
      "basic",
      "--cert",
      tls.certPath,
      "--key",
      tls.keyPath,
      "--inMemoryPersistence",
      "--skipApiVersionCheck",
      "--loose",
      "--disableTelemetry",
      "--silent",
    ],
    // In-memory mode refuses --location; the temp cwd catches anything Azurite writes anyway.
    { cwd: location, stdio: ["ignore", "pipe", "pipe"], env: withoutSqlBackend() },
  );
  let origin: string;
  try {
    origin = await waitForListening(child, options.timeoutMs ?? 30_000);
  } catch (error) {
    child.kill("SIGKILL");
    await rm(location, { recursive: true, force: true });
    throw error;
  }
  // Keep draining output so a full pipe never blocks Azurite.
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    origin,
    accountUrl: `${origin}/${AZURITE_ACCOUNT}`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(location, { recursive: true, force: true });
    },
  };
}
