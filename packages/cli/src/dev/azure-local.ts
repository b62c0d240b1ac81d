/**
 * What an Azure site needs locally that AWS and GCP do not: TLS everywhere (Entra, and the emulator's Entra,
 * trust https issuers only; Azurite takes bearer tokens over https only), so a CA generated for this run, an
 * https front for the site, and Azurite (the real Azure Storage emulator) from the site's own node_modules.
 * Verification stays on: Node's requests here pass the CA explicitly, Deno gets it through `DENO_CERT`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { createServer, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { generateTlsMaterial } from "@fedkit/emulator";
import { CliError, ExitCode } from "../io.js";

/** The azurite version the templates pin (and the repository tests with). */
export const AZURITE_VERSION = "3.35.0";

/** A CA and a leaf for 127.0.0.1, written (0600) to a temp folder removed by `remove`. @internal */
export interface LocalTls {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly caPath: string;
  readonly certPath: string;
  readonly keyPath: string;
  remove(): Promise<void>;
}

/** Generates the run's CA and leaf and writes them where Azurite and Deno read them. @internal */
export async function createLocalTls(): Promise<LocalTls> {
  const { ca, cert, key } = await generateTlsMaterial();
  const dir = await mkdtemp(join(tmpdir(), "fedkit-dev-tls-"));
  const paths = {
    caPath: join(dir, "ca.pem"),
    certPath: join(dir, "cert.pem"),
    keyPath: join(dir, "key.pem"),
  };
  await Promise.all([
    writeFile(paths.caPath, ca, { mode: 0o600 }),
    writeFile(paths.certPath, cert, { mode: 0o600 }),
    writeFile(paths.keyPath, key, { mode: 0o600 }),
  ]);
  return { ca, cert, key, ...paths, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Azurite's Blob entry point from the site's own dependencies; a `CliError` with code `azurite_missing` (exit 1)
 * naming the install command when the site does not have it.
 * @internal
 */
export function resolveAzurite(siteDir: string): string {
  // Node's own lookup from the site, without its global folders (NODE_PATH, ~/.node_modules): the site's
  // azurite, never one that merely happens to be on this machine.
  for (let dir = resolve(siteDir); ; dir = dirname(dir)) {
    const main = join(dir, "node_modules", "azurite", "dist", "src", "blob", "main.js");
    if (existsSync(main)) return main;
    if (dirname(dir) === dir) break;
  }
  throw new CliError(
    `This site's local run needs Azurite (the Azure Storage emulator), and ${siteDir} does not have it installed.`,
    ExitCode.findings,
    `Run: npm install --save-dev azurite@${AZURITE_VERSION} (in the site's folder), then fedkit dev again.`,
    "azurite_missing",
  );
}

/** A running Azurite Blob service. @public */
export interface LocalAzurite {
  /** `https://127.0.0.1:<port>` */
  readonly origin: string;
  /** The development account's path-style URL, `<origin>/devstoreaccount1`. */
  readonly accountUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts Azurite's Blob service (`main`: its `dist/src/blob/main.js`) on 127.0.0.1 (any port), https with the
 * certificate files of `tls`, `--oauth basic`, in memory, in a temp folder removed by `stop()`. `fedkit dev` runs
 * it; the demo and the Azure tests use the same one.
 *
 * @example
 * ```ts
 * declare const main: string; // node_modules/azurite/dist/src/blob/main.js
 * const azurite = await startAzurite(main, { certPath: "cert.pem", keyPath: "key.pem" });
 * console.log(azurite.accountUrl);
 * await azurite.stop();
 * ```
 * @public
 */
export async function startAzurite(
  main: string,
  tls: Pick<LocalTls, "certPath" | "keyPath">,
): Promise<LocalAzurite> {
  const cwd = await mkdtemp(join(tmpdir(), "fedkit-azurite-"));
  const env = { ...process.env };
  delete env["AZURITE_DB"]; // would switch Azurite to a SQL backend
  const args = ["--blobHost", "127.0.0.1", "--blobPort", "0", "--oauth", "basic"];
  args.push("--cert", tls.certPath, "--key", tls.keyPath);
  args.push("--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent");
  // In-memory mode refuses --location; the temp cwd catches anything Azurite writes anyway.
  const child = spawn(process.execPath, [main, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((ok) => child.once("exit", ok));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    }
    await rm(cwd, { recursive: true, force: true });
  };
  try {
    const origin = await listening(child);
    return { origin, accountUrl: `${origin}/devstoreaccount1`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The origin Azurite prints once it listens; its output is then drained unread, so a full pipe never blocks it. */
function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /successfully listens on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) settle(() => resolve(match[1] as string));
    };
    const exited = (code: number | null) =>
      settle(() => reject(new Error(`Azurite exited with ${code}:\n${out}`)));
    const timer = setTimeout(
      () => settle(() => reject(new Error(`Azurite did not start in 30 s:\n${out}`))),
      30_000,
    );
    const settle = (finish: () => void) => {
      clearTimeout(timer);
      child.stdout?.off("data", collect).resume();
      child.stderr?.off("data", collect).resume();
      child.off("exit", exited);
      finish();
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.once("exit", exited);
  });
}

/**
 * An https listener on 127.0.0.1 forwarding to `target()` (the local site, an http origin), as Netlify's TLS edge
 * does: Entra fetches https issuers only. `fedkit dev` puts one before the site; the demo and the Azure end-to-end
 * tests use the same one.
 *
 * @example
 * ```ts
 * declare const tls: { cert: string; key: string }; // PEM leaf for 127.0.0.1
 * const front = await httpsFront(tls, () => "http://127.0.0.1:8888");
 * console.log(front.url);
 * await front.close();
 * ```
 * @public
 */
export async function httpsFront(
  tls: Pick<LocalTls, "cert" | "key">,
  target: () => string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const upstream = httpRequest(new URL(req.url ?? "/", target()), {
      method: req.method,
      headers: req.headers,
    });
    upstream.on("response", (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** One https request trusting `ca` only (Node's global fetch takes no CA), answering status and text. */
export function requestTrusting(
  ca: string,
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: init.method, headers: init.headers ?? {}, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end(init.body);
  });
}
