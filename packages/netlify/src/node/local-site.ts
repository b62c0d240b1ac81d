/// <reference types="node" />
/**
 * Serves a Netlify site locally with Netlify's own edge runtime (`@netlify/edge-functions-dev`, Deno), for the
 * demo, end-to-end tests and trying a site against the fedkit emulator. Static files come from `publish`.
 *
 * @packageDocumentation
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { delimiter, dirname, extname, join, normalize, resolve } from "node:path";
import { Readable } from "node:stream";

/** Options of {@link serveLocalSite}. @public */
export interface LocalSiteOptions {
  /** The site's base directory (holds `netlify/edge-functions` and `public`). */
  readonly siteDir: string;
  /**
   * Environment of the edge functions (`Netlify.env`); nothing else of this process leaks in. A function gets
   * the site's URL first (for `FEDKIT_SITE_URL` on loopback).
   */
  readonly env?: Record<string, string> | ((url: string) => Record<string, string>);
  readonly siteId?: string;
  /** Port on 127.0.0.1; default 0 (any free port). */
  readonly port?: number;
  /** Static directory relative to siteDir. Default `public`. */
  readonly publish?: string;
  /** Receives each line the functions print (audit lines included). Default: printed to this process's stdout. */
  readonly output?: (line: string) => void;
}

/** A running local site. @public */
export interface LocalSite {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css",
  ".js": "text/javascript",
};

/**
 * Starts the local edge runtime and an HTTP server in front of it on 127.0.0.1. Requests get an
 * `x-nf-request-id` when they have none (the runtime needs one).
 *
 * @example
 * ```ts
 * const site = await serveLocalSite({ siteDir: "apps/netlify-aws-s3", env: { FEDKIT_ISSUER_KEYS: keys } });
 * await fetch(`${site.url}/report`);
 * await site.stop();
 * ```
 * @public
 */
export async function serveLocalSite(options: LocalSiteOptions): Promise<LocalSite> {
  const denoBin = findDenoBin();
  if (denoBin !== undefined && !process.env["PATH"]?.split(delimiter).includes(denoBin)) {
    // The edge runtime looks for `deno` on PATH before downloading one; the npm `deno` package provides it.
    process.env["PATH"] = `${denoBin}${delimiter}${process.env["PATH"] ?? ""}`;
  }
  let EdgeFunctionsHandler: typeof import("@netlify/edge-functions-dev").EdgeFunctionsHandler;
  try {
    ({ EdgeFunctionsHandler } = await import("@netlify/edge-functions-dev"));
  } catch (cause) {
    throw new Error(
      "serveLocalSite needs @netlify/edge-functions-dev (npm i -D @netlify/edge-functions-dev deno)",
      { cause },
    );
  }
  const siteDir = resolve(options.siteDir);
  const publish = join(siteDir, options.publish ?? "public");
  let origin = "";
  let handler!: InstanceType<typeof EdgeFunctionsHandler>;
  let tapped = false;
  const server = createServer((req, res) => {
    void route(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error instanceof Error ? error.message : error));
    });
  });
  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const request = toRequest(req, origin);
    const match = await handler.match(request);
    if (!tapped && options.output) tapped = tapOutput(handler, options.output);
    if (match !== undefined) {
      const response = await match.handle(request, origin);
      return send(res, response);
    }
    const path = normalize(decodeURIComponent(new URL(request.url).pathname)).replace(/^(\.\.[/\\])+/, "");
    let file = join(publish, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, "index.html");
    if (!file.startsWith(publish) || !existsSync(file)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  }
  await new Promise<void>((ok) => server.listen(options.port ?? 0, "127.0.0.1", ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const env = typeof options.env === "function" ? options.env(origin) : (options.env ?? {});
  const quiet = () => undefined;
  handler = new EdgeFunctionsHandler({
    configDeclarations: [],
    directories: [join(siteDir, "netlify", "edge-functions")],
    env: { HOME: process.env["HOME"] ?? "/tmp", ...env },
    geolocation: {
      city: "Local",
      country: { code: "XX", name: "Local" },
      subdivision: { code: "", name: "" },
    } as never,
    logger: { log: quiet, warn: quiet, error: options.output ?? quiet } as never,
    ...(options.siteId ? { siteID: options.siteId } : {}),
    siteName: "local",
  });
  return {
    url: origin,
    async stop() {
      await handler.stop();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}

function toRequest(req: IncomingMessage, origin: string): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  if (!headers.has("x-nf-request-id")) headers.set("x-nf-request-id", crypto.randomUUID());
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", origin), {
    method: req.method ?? "GET",
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: "half" } : {}),
  } as RequestInit);
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
  res.end();
}

type Piped = { stdout?: NodeJS.ReadableStream; stderr?: NodeJS.ReadableStream };

// The runtime pipes Deno's output straight to this process; to hand lines to `output` instead, unpipe its
// child's streams (a private field of the handler, present once the runtime has started).
function tapOutput(handler: object, output: (line: string) => void): boolean {
  const ps = (handler as { denoServerProcess?: { ps?: Piped } }).denoServerProcess?.ps;
  if (ps?.stdout === undefined) return false;
  for (const stream of [ps.stdout, ps.stderr]) {
    if (stream === undefined) continue;
    stream.unpipe();
    let buffer = "";
    stream.on("data", (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line.trim() !== "") output(line);
    });
    // unpipe() paused the stream; a paused stdout would stall the child and its exit.
    stream.resume();
  }
  return true;
}

/**
 * The directory holding the real `deno` executable of the npm `deno` package. Its `.bin` shim is a Node script
 * that spawns the binary; killing the shim would orphan Deno, so the runtime must start the binary itself.
 * @internal
 */
export function findDenoBin(): string | undefined {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve("deno/package.json"));
    if (existsSync(join(dir, process.platform === "win32" ? "deno.exe" : "deno"))) return dir;
  } catch {
    // Not installed next to @fedkit/netlify: fall back to a deno on PATH (or the runtime's own download).
  }
  return undefined;
}
