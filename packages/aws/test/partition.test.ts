import { FederationError } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { checkRegion, KNOWN_AWS_REGIONS, parseRoleArn, partitionOf, stsEndpoint } from "../src/partition.js";
import { isValidSessionName, resolveSessionName, sanitizeSessionName } from "../src/session-name.js";
import { fakeToken } from "./helpers.js";

describe("role ARNs and partitions", () => {
  it("parses role ARNs of every supported partition, with paths", () => {
    expect(parseRoleArn("arn:aws:iam::123456789012:role/reader")).toMatchObject({
      partition: "aws",
      path: "/",
      name: "reader",
    });
    expect(parseRoleArn("arn:aws-cn:iam::123456789012:role/ops/team/reader")).toMatchObject({
      partition: "aws-cn",
      accountId: "123456789012",
      path: "/ops/team/",
      name: "reader",
    });
    expect(parseRoleArn("arn:aws-us-gov:iam::123456789012:role/r").partition).toBe("aws-us-gov");
  });

  it.each([
    "arn:aws:iam::12345678901:role/short-account",
    "arn:aws:iam::123456789012:user/not-a-role",
    "arn:aws:sts::123456789012:assumed-role/r/s",
    "arn:aws-xx:iam::123456789012:role/r",
    "arn:aws:iam::123456789012:role/",
    `arn:aws:iam::123456789012:role/${"x".repeat(65)}`,
  ])("refuses %s with a config error", (arn) => {
    expect(() => parseRoleArn(arn)).toThrow(FederationError);
    try {
      parseRoleArn(arn);
    } catch (err) {
      expect((err as FederationError).code).toBe("config");
    }
  });

  it("knows regions of every partition, each a valid region code", () => {
    for (const region of KNOWN_AWS_REGIONS) expect(checkRegion(region, "test")).toBe(region);
    expect(new Set(KNOWN_AWS_REGIONS.map(partitionOf))).toEqual(new Set(["aws", "aws-cn", "aws-us-gov"]));
    expect(Object.isFrozen(KNOWN_AWS_REGIONS)).toBe(true);
  });

  it("derives partition and regional STS endpoint from the region", () => {
    expect(partitionOf("eu-west-1")).toBe("aws");
    expect(stsEndpoint("eu-west-1")).toBe("https://sts.eu-west-1.amazonaws.com");
    expect(stsEndpoint("cn-northwest-1")).toBe("https://sts.cn-northwest-1.amazonaws.com.cn");
    expect(stsEndpoint("us-gov-west-1")).toBe("https://sts.us-gov-west-1.amazonaws.com");
    expect(partitionOf("us-gov-east-1")).toBe("aws-us-gov");
  });
});

describe("session names", () => {
  it("sanitises any subject to [\\w+=,.@-]{2,64}", () => {
    expect(sanitizeSessionName("repo:acme/site:ref:refs/heads/main")).toBe(
      "repo-acme-site-ref-refs-heads-main",
    );
    expect(sanitizeSessionName("a")).toBe("fedkit-a");
    expect(sanitizeSessionName("")).toBe("fedkit");
    expect(sanitizeSessionName("alice@example.com")).toBe("alice@example.com");
    const long1 = sanitizeSessionName(`${"x".repeat(70)}1`);
    const long2 = sanitizeSessionName(`${"x".repeat(70)}2`);
    expect(long1).toHaveLength(64);
    expect(long1).not.toBe(long2);
    for (const s of ["ü ß 中文", "*", "a/b/c", "$(x)", "x".repeat(300)]) {
      expect(isValidSessionName(sanitizeSessionName(s))).toBe(true);
    }
  });

  it("derives the default from sub, and sanitises function results", () => {
    const token = fakeToken({ sub: "user:42" });
    expect(resolveSessionName(undefined, token)).toBe("user-42");
    expect(resolveSessionName("fixed", token)).toBe("fixed");
    expect(resolveSessionName((t) => `web ${t.claims.sub}`, token)).toBe("web-user-42");
    expect(resolveSessionName(undefined, fakeToken({}))).toBe("fedkit");
  });
});
