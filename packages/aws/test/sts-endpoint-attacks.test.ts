// A custom STS endpoint needs no opt-in only when it is one of AWS's STS hosts. The table's one-label wildcard
// (`sts.*.amazonaws.com`) also matches hosts where that label is not a region but an S3 endpoint, under which the
// first label is a bucket name anyone may own: such an endpoint would receive subject tokens without the opt-in.
import { describe, expect, it } from "vitest";
import { awsProvider } from "../src/provider.js";

const role = "arn:aws:iam::123456789012:role/r";

describe("awsProvider's custom STS endpoint: bucket hosts under the STS wildcard need the opt-in", () => {
  it.each([
    "https://sts.s3.amazonaws.com",
    "https://sts.s3-external-1.amazonaws.com",
    "https://sts.s3-us-west-2.amazonaws.com",
    "https://sts.s3-website-us-east-1.amazonaws.com",
    "https://sts.s3-accelerate.amazonaws.com",
    "https://sts.s3-fips.amazonaws.com",
    "https://STS.S3.AMAZONAWS.COM.",
  ])("%s is refused without allowCustomEndpoint", (endpoint) => {
    expect(() => awsProvider({ roleArn: role, region: "us-east-1", endpoint, env: {} })).toThrow(
      /needs allowCustomEndpoint/,
    );
  });

  it.each([
    "https://sts.amazonaws.com",
    "https://sts.us-east-1.amazonaws.com",
    "https://sts-fips.us-east-1.amazonaws.com",
    "https://sts.us-east-1.api.aws",
    "https://sts-fips.us-east-1.api.aws",
  ])("the official %s needs no opt-in", (endpoint) => {
    const provider = awsProvider({ roleArn: role, region: "us-east-1", endpoint, env: {} });
    expect(provider.sts.rule.allowedOrigins).toBeUndefined();
  });
});
