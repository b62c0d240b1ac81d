import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TlsMaterial } from "./tls.js";

/** What a listener calls for every request. @public */
export type RequestHandler = (request: Request) => Promise<Response>;

/** One running loopback listener. @public */
export interface Listener {
  /** `http(s)://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Options for {@link startListener}. @public */
export interface ListenerOptions {
  /** Called per request; may be bound after the listener starts (the URL is needed to build services). */
  handler: RequestHandler;
  tls?: TlsMaterial | undefined;
  /** Requests with a larger body get HTTP 413 without reaching the handler. */
  maxBodyBytes: number;
}

class BodyTooLarge extends Error {}

/** What a `Request` cannot carry: the request-target and the header lines exactly as they arrived. @internal */
export interface WireRequest {
  /** The request-target as sent (`/a/../b.txt?x=1`): the WHATWG URL parser would resolve `.`/`..` and `%2e`. */
  readonly target: string;
  /** Header (name, value) pairs in arrival order, repeated headers kept apart. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

const wire = new WeakMap<Request, WireRequest>();

/**
 * The wire form of a request a listener received, for verifiers that must see bytes a `Request` normalises (SigV4
 * signs the raw path and each header line). `undefined` for a `Request` built in code.
 * @internal
 */
export function wireRequest(request: Request): WireRequest | undefined {
  return wire.get(request);
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > max) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners("data");
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Node request → WHATWG Request. The URL keeps the client's Host header so virtual-host S3 can read it. */
function toRequest(req: IncomingMessage, body: Buffer, base: string): Request {
  const pairs: Array<readonly [string, string]> = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) pairs.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
  const headers = new Headers();
  for (const [name, value] of pairs) headers.append(name, value);
  const origin = req.headers.host ? `${base.split("://")[0]}://${req.headers.host}` : base;
  let url: URL;
  try {
    url = new URL(req.url ?? "/", origin);
  } catch {
    url = new URL(req.url ?? "/", base);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const request = new Request(url, { method, headers, body: hasBody ? new Uint8Array(body) : null });
  wire.set(request, { target: req.url ?? "/", headers: pairs });
  return request;
}

async function writeResponse(res: ServerResponse, response: Response, method: string): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name === "set-cookie") return;
    headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const body = method === "HEAD" ? undefined : Buffer.from(await response.arrayBuffer());
  if (body !== undefined && headers["content-length"] === undefined)
    headers["content-length"] = `${body.length}`;
  res.writeHead(response.status, headers);
  res.end(body);
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Starts one http or https server on 127.0.0.1 with an OS-chosen port. Handler errors become a plain 500 with
 * no detail (the message could carry request data); nothing is logged.
 *
 * @example
 * ```ts
 * const listener = await startListener({ handler: async () => new Response("ok"), maxBodyBytes: 1 << 20 });
 * await fetch(listener.url);
 * await listener.close();
 * ```
 * @public
 */
export async function startListener(options: ListenerOptions): Promise<Listener> {
  const scheme = options.tls ? "https" : "http";
  let base = `${scheme}://127.0.0.1`;
  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readBody(req, options.maxBodyBytes);
      const response = await options.handler(toRequest(req, body, base));
      await writeResponse(res, response, req.method ?? "GET");
    } catch (error) {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof BodyTooLarge) {
        res.setHeader("connection", "close");
        plain(res, 413, `request body larger than ${options.maxBodyBytes} bytes`);
      } else {
        plain(res, 500, "internal emulator error");
      }
    }
  };
  const server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createHttpServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  base = `${scheme}://127.0.0.1:${port}`;
  return {
    url: base,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
