// A loopback fault proxy: forwards requests to an upstream (the emulator's STS, Google STS or Entra) and, per
// request, injects the next scripted fault: a status burst (5xx, 429 with or without Retry-After), a connection
// reset, a hang, a slow answer, a truncated body or an oversized one. Once the script is used up it forwards.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One injected behaviour, for one request. */
export type Fault =
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: string }
  | { readonly kind: "reset" }
  | { readonly kind: "hang" }
  | { readonly kind: "slow"; readonly ms: number }
  | { readonly kind: "truncate" }
  | { readonly kind: "oversize"; readonly bytes: number };

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: point the provider's endpoint here. */
  readonly origin: string;
  /** Requests received so far (faulted or forwarded). */
  readonly requests: number;
  /** Bodies of the requests received, in order (the subject token is in them: tests count per subject). */
  readonly bodies: readonly string[];
  /** Queues faults for the next requests, one each. */
  script(...faults: Fault[]): void;
  close(): Promise<void>;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a proxy in front of `upstream` (an origin). */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const queue: Fault[] = [];
  const bodies: string[] = [];
  const sockets = new Set<Socket>();
  const hanging = new Set<ServerResponse>();

  async function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, fault: Fault | undefined) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers))
      if (typeof value === "string" && name !== "host" && name !== "content-length") headers[name] = value;
    const answer = await fetch(`${upstream}${req.url}`, {
      method: req.method ?? "GET",
      headers,
      ...(req.method === "GET" || req.method === "HEAD" ? {} : { body }),
      redirect: "manual",
    });
    const text = Buffer.from(await answer.arrayBuffer());
    const out: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== "content-length" && name !== "content-encoding" && name !== "transfer-encoding")
        out[name] = value;
    });
    if (fault?.kind === "truncate") {
      // Promise the whole body, send half, cut the connection: the client sees a body that ends early.
      res.writeHead(answer.status, { ...out, "content-length": String(text.length) });
      res.write(text.subarray(0, Math.floor(text.length / 2)));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.writeHead(answer.status, { ...out, "content-length": String(text.length) }).end(text);
  }

  const server = createServer(async (req, res) => {
    const body = await bodyOf(req);
    bodies.push(body.toString("utf8"));
    const fault = queue.shift();
    try {
      switch (fault?.kind) {
        case "status":
          res
            .writeHead(fault.status, {
              "content-type": "application/json",
              ...(fault.retryAfter === undefined ? {} : { "retry-after": fault.retryAfter }),
            })
            .end(JSON.stringify({ error: "injected", status: fault.status }));
          return;
        case "reset":
          req.socket.destroy();
          return;
        case "hang":
          hanging.add(res);
          return;
        case "slow":
          await new Promise((resolve) => setTimeout(resolve, fault.ms));
          return await forward(req, res, body, undefined);
        case "oversize":
          res.writeHead(200, { "content-type": "application/json" }).end(`"${"x".repeat(fault.bytes)}"`);
          return;
        default:
          return await forward(req, res, body, fault);
      }
    } catch {
      if (!res.headersSent) res.writeHead(502).end();
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get requests() {
      return bodies.length;
    },
    bodies,
    script(...faults) {
      queue.push(...faults);
    },
    close() {
      for (const socket of sockets) socket.destroy();
      hanging.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
