// A `deno run` script that serves one request through withFedkit (an STS exchange, then a signed GET) against the
// loopback STS/S3 stand-in whose origin is its first argument, prints the answer, and ends. Spawned by
// netlify.deno.test.ts, which times how long the process takes to exit once its work is done.
import { memoryAudit } from "@fedkit/core/audit";
import { awsCloud } from "../dist/aws.js";
import { withFedkit } from "../dist/index.js";

const origin = Deno.args[0] as string;
const handler = withFedkit(
  {
    siteId: "5b0c2a71-1c3e-4d6b-9a51-0f7a2f1e9c11",
    siteUrl: "https://site.example",
    clouds: { aws: awsCloud },
    targets: {
      reports: {
        cloud: "aws",
        roleArn: "arn:aws:iam::123456789012:role/r",
        region: "eu-west-1",
        endpoint: `${origin}/sts`,
        allowCustomEndpoint: true,
        allowedOrigins: [origin],
      },
    },
    functions: { report: { reports: {} } },
    runtime: { env: (name) => Deno.env.get(name), audit: memoryAudit() },
    function: "report",
  },
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
