// Bundle-size entry: an edge function that exchanges the request's bearer token for AWS credentials and
// returns a private S3 object through a SigV4-signed fetch. Same job as aws-sdk.mjs.
import { awsFetch, awsProvider } from "@fedkit/aws";
import { createFederation, staticToken } from "@fedkit/core";

export default async function handler(request) {
  const token = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
  const federation = createFederation({ source: staticToken(token) });
  const aws = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/reader", region: "eu-west-1" });
  const s3 = awsFetch(federation, aws, { service: "s3" });
  return s3("https://private.s3.eu-west-1.amazonaws.com/report.csv");
}
