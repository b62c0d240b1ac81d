// AWS's own STS host table (moved out of core): official hosts of every partition pass core's checkEndpoint, and
// names near them do not.
import { checkEndpoint } from "@fedkit/core/provider";
import { describe, expect, it } from "vitest";
import { AWS_STS_HOSTS, AWS_STS_HOSTS_ANY_PARTITION, awsProvider, parseRoleArn } from "../src/index.js";

const any = { cloud: "aws", officialHosts: AWS_STS_HOSTS_ANY_PARTITION };

describe("AWS STS hosts", () => {
  it.each([
    "https://sts.amazonaws.com/",
    "https://sts.eu-west-1.amazonaws.com/",
    "https://sts-fips.us-east-1.amazonaws.com/",
    "https://sts.eu-west-1.api.aws/",
    "https://sts.cn-north-1.amazonaws.com.cn/",
    "https://sts.us-gov-west-1.amazonaws.com/",
    "https://sts-fips.us-gov-east-1.amazonaws.com/",
    "https://sts.cn-northwest-1.api.amazonwebservices.com.cn/",
  ])("accepts the official host %s", (url) => {
    expect(checkEndpoint(url, any).href).toBe(url);
  });

  it.each([
    "https://sts.amazonaws.com.evil.example/",
    "https://evil-bucket.s3.amazonaws.com/",
    "https://a.b.amazonaws.com/",
    // S3 bucket hosts shaped like STS hosts: the bucket ("sts", "sts-fips") is anyone's.
    "https://sts.s3.amazonaws.com/",
    "https://sts-fips.s3.amazonaws.com/",
    "https://sts.s3-website-us-east-1.amazonaws.com/",
    "https://sts.s3.api.aws/",
    "https://sts.s3.amazonaws.com.cn/",
    "https://sts.eu-west-1.amazonaws.com.evil.example/",
    "https://evil-sts.eu-west-1.amazonaws.com/",
    // Partitions fedkit does not support (their role ARNs do not parse either).
    "https://sts.us-iso-east-1.c2s.ic.gov/",
    "https://sts.eusc-de-east-1.amazonaws.eu/",
  ])("refuses %s", (url) => {
    expect(() => checkEndpoint(url, any)).toThrow("official");
  });

  it("lists exactly the partitions whose role ARNs parse, so neither can promise what the other refuses", () => {
    for (const partition of Object.keys(AWS_STS_HOSTS)) {
      expect(parseRoleArn(`arn:${partition}:iam::123456789012:role/reader`).partition).toBe(partition);
    }
    for (const partition of ["aws-iso", "aws-iso-b", "aws-eusc"]) {
      expect(() => parseRoleArn(`arn:${partition}:iam::123456789012:role/reader`)).toThrow(
        "not an IAM role ARN",
      );
    }
  });

  it("keeps each partition to its own hosts", () => {
    const china = { cloud: "aws", officialHosts: AWS_STS_HOSTS["aws-cn"] };
    expect(() => checkEndpoint("https://sts.eu-west-1.amazonaws.com/", china)).toThrow("official");
    expect(checkEndpoint("https://sts.cn-north-1.amazonaws.com.cn/", china).host).toBe(
      "sts.cn-north-1.amazonaws.com.cn",
    );
  });

  // The table itself refuses an S3 bucket's host (its region label is not a region), so a caller passing it to
  // checkEndpoint directly is as safe as the provider, which refuses the same host without the opt-in.
  it("refuses an S3 bucket's host on its own; the provider refuses it without the opt-in too", () => {
    const bucketHost = "https://sts.s3.amazonaws.com/";
    expect(() => checkEndpoint(bucketHost, { cloud: "aws", officialHosts: AWS_STS_HOSTS.aws })).toThrow(
      "not an official aws host",
    );
    expect(() =>
      awsProvider({
        roleArn: "arn:aws:iam::123456789012:role/reader",
        region: "us-east-1",
        endpoint: bucketHost,
      }),
    ).toThrow(/allowCustomEndpoint/);
    // An official regional or FIPS host given as the endpoint needs no opt-in.
    for (const endpoint of ["https://sts-fips.us-east-1.amazonaws.com", "https://sts.eu-west-1.api.aws"]) {
      expect(() =>
        awsProvider({ roleArn: "arn:aws:iam::123456789012:role/reader", region: "us-east-1", endpoint }),
      ).not.toThrow();
    }
  });
});
