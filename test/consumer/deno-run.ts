// Runs under Deno INSIDE the consumer project: `@fedkit/*` resolve from its node_modules (deno.json says
// nodeModulesDir: manual), i.e. the ESM of the packed tarballs. Prints the private object it read.
import { awsFetch, awsProvider } from "@fedkit/aws";
import { createFederation, staticToken } from "@fedkit/core";

const env = (name: string): string => {
  const value = Deno.env.get(name);
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const objectUrl = env("CONSUMER_OBJECT_URL");
const aws = awsProvider({
  roleArn: env("CONSUMER_ROLE_ARN"),
  region: "us-east-1",
  endpoint: env("CONSUMER_STS"),
  allowCustomEndpoint: true,
});
const federation = createFederation({ source: staticToken(env("CONSUMER_TOKEN")) });
const s3 = awsFetch(federation, aws, { service: "s3", allowedOrigins: [new URL(objectUrl).origin] });
const response = await s3(objectUrl);
console.log(
  JSON.stringify({
    status: response.status,
    body: await response.text(),
    runtime: `deno ${Deno.version.deno}`,
  }),
);
