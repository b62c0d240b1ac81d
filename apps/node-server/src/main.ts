// Starts the Hono flavour on PORT (default 3000), or the Node http flavour with --http.
import { serve } from "@hono/node-server";
import { honoApp } from "./hono.js";
import { httpServer } from "./http.js";

const port = Number(process.env["PORT"] ?? 3000);
if (process.argv.includes("--http")) httpServer(process.env).listen(port);
else serve({ fetch: honoApp(process.env).fetch, port });
