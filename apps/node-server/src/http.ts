// The Node http flavour: fedkitNode sets req.fedkit (the same middleware works in Express: app.use(fedkitNode(…))).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { RequestFederation } from "@fedkit/platforms";
import { fedkitNode } from "@fedkit/platforms/node";
import { serverIssuer } from "./issuer.js";
import { readCloud } from "./reads.js";
import type { Vars } from "./vars.js";

type FedkitRequest = IncomingMessage & { fedkit?: RequestFederation };

async function send(res: ServerResponse, answer: Response): Promise<void> {
  res.writeHead(answer.status, Object.fromEntries(answer.headers));
  res.end(Buffer.from(await answer.arrayBuffer()));
}

export function httpServer(vars: Vars): Server {
  const issuer = serverIssuer(vars);
  const attach = fedkitNode<FedkitRequest>({ source: () => issuer.source });
  return createServer((req: FedkitRequest, res) => {
    const url = new URL(req.url ?? "/", "http://server.invalid");
    const cloud = /^\/read\/([a-z]+)$/.exec(url.pathname)?.[1];
    const answer = url.pathname.startsWith("/oidc/")
      ? issuer.discovery(new Request(url, { method: req.method ?? "GET" }))
      : cloud === undefined
        ? Promise.resolve(new Response("not found", { status: 404 }))
        : new Promise<Response>((resolve, reject) =>
            attach(req, res, (error) =>
              error ? reject(error) : resolve(readCloud(cloud, req.fedkit as RequestFederation, vars)),
            ),
          );
    answer.then(
      (response) => send(res, response),
      () => res.writeHead(500).end(),
    );
  });
}
