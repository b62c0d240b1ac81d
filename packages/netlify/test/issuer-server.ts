/// <reference types="node" />
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type FedkitConfig, issuerRoutes } from "@fedkit/netlify";

/** Serves a config's issuer routes on 127.0.0.1 (port 0), as the production deploy would, for the emulator to fetch. */
export async function serveIssuer(config: (url: string) => FedkitConfig) {
  let routes: ReturnType<typeof issuerRoutes> | undefined;
  const server = createServer((req, res) => {
    void routes!(new Request(`http://127.0.0.1${req.url}`), { deploy: { context: "production" } }).then(
      async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      },
    );
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const resolved = config(url);
  routes = issuerRoutes(resolved);
  return {
    url,
    config: resolved,
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
