// AWS's own STS host table (moved out of core): official hosts of every partition pass core's checkEndpoint, and
// names near them do not.
import { checkEndpoint } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { AWS_STS_HOSTS, AWS_STS_HOSTS_ANY_PARTITION, awsProvider } from "../src/index.js";

const any = { cloud: "aws", officialHosts: AWS_STS_HOSTS_ANY_PARTITION };

describe("AWS STS hosts", () => {
  it.each([
    "https://sts.amazonaws.com/",
    "https://sts.eu-west-1.amazonaws.com/",
    "https://sts-fips.us-east-1.amazonaws.com/",
    "https://sts.eu-west-1.api.aws/",
    "https://sts.cn-north-1.amazonaws.com.cn/",
    "https://sts.us-gov-west-1.amazonaws.com/",
  ])("accepts the official host %s", (url) => {
    expect(checkEndpoint(url, any).href).toBe(url);
  });

  it.each([
    "https://sts.amazonaws.com.evil.example/",
    "https://evil-bucket.s3.amazonaws.com/",
    "https://a.b.amazonaws.com/",
  ])("refuses %s", (url) => {
    expect(() => checkEndpoint(url, any)).toThrow("official");
  });

  it("keeps each partition to its own hosts", () => {
    const china = { cloud: "aws", officialHosts: AWS_STS_HOSTS["aws-cn"] };
    expect(() => checkEndpoint("https://sts.eu-west-1.amazonaws.com/", china)).toThrow("official");
    expect(checkEndpoint("https://sts.cn-north-1.amazonaws.com.cn/", china).host).toBe(
      "sts.cn-north-1.amazonaws.com.cn",
    );
  });

  // What AWS_STS_HOSTS's TSDoc and docs/core.md say: the table's `*` label is any label, so on its own it lets an
  // S3 bucket's host through; the provider adds the region check the table cannot express.
  it("matches an S3 bucket's host by its wildcard label alone; the provider refuses it without the opt-in", () => {
    const bucketHost = "https://sts.s3.amazonaws.com/";
    expect(checkEndpoint(bucketHost, { cloud: "aws", officialHosts: AWS_STS_HOSTS.aws }).host).toBe(
      "sts.s3.amazonaws.com",
    );
    expect(() =>
      awsProvider({
        roleArn: "arn:aws:iam::123456789012:role/reader",
        region: "us-east-1",
        endpoint: bucketHost,
      }),
    ).toThrow(/allowCustomEndpoint/);
  });
});
