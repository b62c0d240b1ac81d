// A `deno run` script that serves one request through withFedkit (an STS exchange, then a signed GET) against the
// loopback STS/S3 stand-in whose origin is its first argument, prints the answer, and ends. Spawned by
// netlify.deno.test.ts, which times how long the process takes to exit once its work is done.
import { withFedkit } from "../dist/index.js";
import { loopbackConfig } from "./loopback-config.ts";

const origin = Deno.args[0] as string;
const handler = withFedkit(
  { ...loopbackConfig(origin, (name) => Deno.env.get(name)), function: "report" },
  async (_request, fedkit) => {
    const s3 = fedkit.client<(url: string) => Promise<Response>>("reports");
    return s3(`${origin}/bucket/key.csv`);
  },
);
const response = await handler(new Request("https://site.example/report"), {
  requestId: "deno-run-1",
  deploy: { context: "production" },
  waitUntil: (promise: Promise<unknown>) => void promise,
});
console.log(`${response.status} ${await response.text()}`);
