// awsFetch through the shared hostile-case table: the same attacks as gcpFetch and azureFetch, with the session
// token as the secret that must never reach a refused or redirect target.
import type { Credentials, Provider } from "@fedkit/core";
import { testAuthorizedFetchHostileCases } from "@fedkit/core/testing";
import { serveLoopback } from "@fedkit/test-support/loopback";
import { describe, expect, it } from "vitest";
import type { AwsCredentials } from "../src/credentials.js";
import { awsFetch, type CredentialGetter } from "../src/fetch.js";
import { awsProvider } from "../src/provider.js";

const SESSION_TOKEN = "IQoJb3JpZ2luX2VjHOSTILECASESESSIONTOKENthatmustnotleak";
const provider = awsProvider({ roleArn: "arn:aws:iam::123456789012:role/r", region: "eu-west-1", env: {} });

testAuthorizedFetchHostileCases(
  {
    name: "awsFetch (s3, eu-west-1)",
    officialUrl: "https://my-bucket.s3.eu-west-1.amazonaws.com/reports/2024.csv",
    customerUrls: [
      "https://ec2-203-0-113-25.compute-1.amazonaws.com/",
      "https://ec2-203-0-113-25.eu-west-1.compute.amazonaws.com/",
      "https://my-lb-1234567890.eu-west-1.elb.amazonaws.com/",
      "https://my-site.s3-website-eu-west-1.amazonaws.com/",
      "https://vpce-0123-abcd.vpce-svc-0456789.eu-west-1.vpce.amazonaws.com/",
      "https://abc.lambda-url.eu-west-1.on.aws/",
    ],
    secret: SESSION_TOKEN,
    regionHeader: "x-amz-bucket-region",
    create(options) {
      let asked = 0;
      const getter: CredentialGetter = {
        async getCredentials<C extends Credentials>(_p: Provider<C>) {
          asked++;
          const creds: AwsCredentials = {
            kind: "aws",
            accessKeyId: "ASIAHOSTILE000000001",
            secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYHOSTILEKEY",
            sessionToken: SESSION_TOKEN,
            expiresAt: Date.now() + 3600_000,
          };
          return creds as unknown as C;
        },
      };
      const fetch = awsFetch(getter, provider, { service: "s3", region: "eu-west-1", ...options });
      return { fetch, credentialRequests: () => asked };
    },
  },
  serveLoopback,
  { describe, it, expect },
);
