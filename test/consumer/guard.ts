/// <reference types="node" />
// The registry our own names are routed to during the consumer test: a loopback server that answers nothing and
// records every request. Anyone could claim `@fedkit/*` on the public registry, so the test fails if npm ever
// asks for one instead of using the local tarballs.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface RegistryGuard {
  readonly url: string;
  /** Every request npm made to it (method and path). Must stay empty. */
  readonly requests: readonly string[];
  /** Forgets the recorded requests (after the test proved npm does route the scope here). */
  clear(): void;
  stop(): Promise<void>;
}

export async function startRegistryGuard(): Promise<RegistryGuard> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${decodeURIComponent(req.url ?? "")}`);
    res.writeHead(418, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: "the consumer test must not resolve fedkit packages from a registry" }));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    requests,
    clear: () => void requests.splice(0),
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
