/// <reference types="node" />
// A loopback server for @fedkit/core/testing's hostile-case table (the table itself starts no server, so it
// stays runtime-neutral). Every client package's test passes this one.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServeLoopback } from "@fedkit/core/testing";

/** Starts a server on 127.0.0.1, port 0, answering every request with `reply` and recording it. */
export const serveLoopback: ServeLoopback = async (reply) => {
  const requests: Array<{ url: string; method: string; headers: Record<string, unknown> }> = [];
  const server = createServer((req, res) => {
    req.resume();
    requests.push({ url: req.url ?? "", method: req.method ?? "", headers: req.headers });
    const { status, headers } = reply(req.url ?? "");
    res.writeHead(status, headers ?? {});
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
