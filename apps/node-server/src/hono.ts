// The Hono flavour: fedkitHono puts a request-bound federation on c.get("fedkit"); serve it with
// @hono/node-server (src/main.ts) or any runtime Hono runs on.

import type { RequestFederation } from "@fedkit/platforms";
import { fedkitHono } from "@fedkit/platforms/hono";
import { Hono } from "hono";
import { serverIssuer } from "./issuer.js";
import { readCloud } from "./reads.js";
import type { Vars } from "./vars.js";

export function honoApp(vars: Vars): Hono<{ Variables: { fedkit: RequestFederation } }> {
  const issuer = serverIssuer(vars);
  const app = new Hono<{ Variables: { fedkit: RequestFederation } }>();
  app.get("/oidc/*", (c) => issuer.discovery(c.req.raw));
  app.use("/read/*", fedkitHono({ source: () => issuer.source }));
  app.get("/read/:cloud", (c) => readCloud(c.req.param("cloud"), c.get("fedkit"), vars));
  return app;
}
