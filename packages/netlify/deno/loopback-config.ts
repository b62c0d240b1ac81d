// The site config the Deno tests serve against the loopback STS/S3 stand-in at `origin`: one `report` function
// mapped to one AWS target whose custom STS endpoint and S3 origin are opted into. Shared by netlify.deno.test.ts
// and the `deno run` child it spawns (one-request.ts).
import { memoryAudit } from "@fedkit/core/audit";
import { awsCloud } from "../dist/aws.js";
import type { FedkitConfig } from "../dist/index.js";

export function loopbackConfig(origin: string, env: (name: string) => string | undefined): FedkitConfig {
  return {
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
        allowedOrigins: [origin], // the loopback stand-in for S3 is off AWS's hosts
      },
    },
    functions: { report: { reports: {} } },
    runtime: { env, audit: memoryAudit() },
  };
}
