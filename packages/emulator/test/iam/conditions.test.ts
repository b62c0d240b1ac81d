// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import { describe, expect, it } from "vitest";
import { type ConditionBlock, evaluatePolicies, type RequestContext } from "../../src/iam/index.js";

/** Allow s3:GetObject on * under the given condition; "allow" when the condition holds. */
function holds(
  condition: ConditionBlock,
  context: RequestContext,
  version: "2012-10-17" | "2008-10-17" = "2012-10-17",
) {
  const policy = {
    Version: version,
    Statement: { Effect: "Allow" as const, Action: "s3:GetObject", Resource: "*", Condition: condition },
  };
  return (
    evaluatePolicies([policy], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context }) === "allow"
  );
}

type Row = [string, ConditionBlock, RequestContext, boolean];

const K = "example.com/oidc:sub";

describe("string operators", () => {
  const rows: Row[] = [
    ["StringEquals exact", { StringEquals: { [K]: "repo:a" } }, { [K]: "repo:a" }, true],
    [
      "StringEquals is case-sensitive on values",
      { StringEquals: { [K]: "repo:a" } },
      { [K]: "REPO:A" },
      false,
    ],
    [
      "StringEquals condition key is case-insensitive",
      { StringEquals: { "EXAMPLE.com/OIDC:SUB": "x" } },
      { [K]: "x" },
      true,
    ],
    ["StringEquals treats * literally", { StringEquals: { [K]: "repo:*" } }, { [K]: "repo:a" }, false],
    ["StringEquals values are OR-ed", { StringEquals: { [K]: ["a", "b"] } }, { [K]: "b" }, true],
    [
      "StringEquals keys are AND-ed (one fails)",
      { StringEquals: { [K]: "a", "x:aud": "y" } },
      { [K]: "a", "x:aud": "z" },
      false,
    ],
    [
      "StringEquals keys are AND-ed (both hold)",
      { StringEquals: { [K]: "a", "x:aud": "y" } },
      { [K]: "a", "x:aud": "y" },
      true,
    ],
    [
      "operators are AND-ed",
      { StringEquals: { [K]: "a" }, StringLike: { "x:aud": "z*" } },
      { [K]: "a", "x:aud": "y" },
      false,
    ],
    ["StringEquals missing key", { StringEquals: { [K]: "a" } }, {}, false],
    ["StringEquals undefined value is missing", { StringEquals: { [K]: "a" } }, { [K]: undefined }, false],
    ["StringEqualsIfExists missing key", { StringEqualsIfExists: { [K]: "a" } }, {}, true],
    ["StringEqualsIfExists present, wrong", { StringEqualsIfExists: { [K]: "a" } }, { [K]: "b" }, false],
    ["StringNotEquals different", { StringNotEquals: { [K]: "a" } }, { [K]: "b" }, true],
    ["StringNotEquals equal", { StringNotEquals: { [K]: ["a", "b"] } }, { [K]: "b" }, false],
    ["StringNotEquals missing key is true", { StringNotEquals: { [K]: "a" } }, {}, true],
    ["StringEqualsIgnoreCase", { StringEqualsIgnoreCase: { [K]: "Repo:A" } }, { [K]: "rEPO:a" }, true],
    ["StringNotEqualsIgnoreCase", { StringNotEqualsIgnoreCase: { [K]: "Repo:A" } }, { [K]: "repo:a" }, false],
    ["StringLike *", { StringLike: { [K]: "repo:acme/*" } }, { [K]: "repo:acme/x:ref:main" }, true],
    [
      "StringLike * does not match other prefix",
      { StringLike: { [K]: "repo:acme/*" } },
      { [K]: "repo:evil/acme/x" },
      false,
    ],
    ["StringLike ? is one character", { StringLike: { [K]: "user-?" } }, { [K]: "user-1" }, true],
    ["StringLike ? is not two", { StringLike: { [K]: "user-?" } }, { [K]: "user-12" }, false],
    ["StringLike is case-sensitive", { StringLike: { [K]: "A*" } }, { [K]: "abc" }, false],
    ["StringLike regex characters are literal", { StringLike: { [K]: "a.c(1)" } }, { [K]: "abc(1)" }, false],
    ["StringLike missing key", { StringLike: { [K]: "*" } }, {}, false],
    ["StringNotLike matching", { StringNotLike: { [K]: "repo:*" } }, { [K]: "repo:a" }, false],
    ["StringNotLike not matching", { StringNotLike: { [K]: "repo:*" } }, { [K]: "org:a" }, true],
    ["StringNotLike missing key is true", { StringNotLike: { [K]: "repo:*" } }, {}, true],
    ["StringNotLikeIfExists missing key", { StringNotLikeIfExists: { [K]: "repo:*" } }, {}, true],
    ["numbers in policy compare as strings", { StringEquals: { [K]: 42 } }, { [K]: "42" }, true],
    ["operator names are case-insensitive", { stringequals: { [K]: "a" } }, { [K]: "a" }, true],
  ];
  it.each(rows)("%s", (_n, cond, ctx, expected) => expect(holds(cond, ctx)).toBe(expected));
});

describe("set operators on multivalued keys", () => {
  const T = "aws:TagKeys";
  const rows: Row[] = [
    [
      "ForAnyValue:StringEquals one matches",
      { "ForAnyValue:StringEquals": { [T]: ["a", "b"] } },
      { [T]: ["x", "b"] },
      true,
    ],
    [
      "ForAnyValue:StringEquals none matches",
      { "ForAnyValue:StringEquals": { [T]: ["a", "b"] } },
      { [T]: ["x", "y"] },
      false,
    ],
    ["ForAnyValue missing key is false", { "ForAnyValue:StringEquals": { [T]: "a" } }, {}, false],
    ["ForAnyValue empty list is missing", { "ForAnyValue:StringEquals": { [T]: "a" } }, { [T]: [] }, false],
    [
      "ForAllValues:StringEquals all match",
      { "ForAllValues:StringEquals": { [T]: ["a", "b"] } },
      { [T]: ["a", "b"] },
      true,
    ],
    [
      "ForAllValues:StringEquals one outside",
      { "ForAllValues:StringEquals": { [T]: ["a", "b"] } },
      { [T]: ["a", "c"] },
      false,
    ],
    ["ForAllValues missing key is true", { "ForAllValues:StringEquals": { [T]: "a" } }, {}, true],
    ["ForAllValues single string value", { "ForAllValues:StringLike": { [T]: "a*" } }, { [T]: "abc" }, true],
    [
      "ForAllValues:StringNotEquals none forbidden",
      { "ForAllValues:StringNotEquals": { [T]: ["x"] } },
      { [T]: ["a", "b"] },
      true,
    ],
    [
      "ForAllValues:StringNotEquals one forbidden",
      { "ForAllValues:StringNotEquals": { [T]: ["x"] } },
      { [T]: ["a", "x"] },
      false,
    ],
    [
      "ForAllValues:StringNotEquals missing key",
      { "ForAllValues:StringNotEquals": { [T]: ["x"] } },
      {},
      true,
    ],
    [
      "ForAnyValue:StringNotEquals one different",
      { "ForAnyValue:StringNotEquals": { [T]: ["x"] } },
      { [T]: ["x", "a"] },
      true,
    ],
    [
      "ForAnyValue:StringNotEquals all forbidden",
      { "ForAnyValue:StringNotEquals": { [T]: ["x"] } },
      { [T]: ["x"] },
      false,
    ],
    ["ForAnyValue:StringNotEquals missing key", { "ForAnyValue:StringNotEquals": { [T]: ["x"] } }, {}, false],
    [
      "plain StringEquals with a multivalued key: any",
      { StringEquals: { [T]: "b" } },
      { [T]: ["a", "b"] },
      true,
    ],
    [
      "plain StringNotEquals with a multivalued key: none may equal",
      { StringNotEquals: { [T]: "b" } },
      { [T]: ["a", "b"] },
      false,
    ],
    ["ForAnyValue:StringLikeIfExists missing", { "ForAnyValue:StringLikeIfExists": { [T]: "a*" } }, {}, true],
  ];
  it.each(rows)("%s", (_n, cond, ctx, expected) => expect(holds(cond, ctx)).toBe(expected));
});

describe("Null, Bool, Numeric, Date, Arn, IP", () => {
  const rows: Row[] = [
    ["Null true, key absent", { Null: { "aws:RequestTag/x": "true" } }, {}, true],
    ["Null true, key present", { Null: { "aws:RequestTag/x": "true" } }, { "aws:requesttag/X": "v" }, false],
    ["Null false, key present", { Null: { "aws:RequestTag/x": false } }, { "aws:RequestTag/x": "v" }, true],
    ["Null false, key absent", { Null: { "aws:RequestTag/x": "false" } }, {}, false],
    ["Bool true", { Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": "TRUE" }, true],
    [
      "Bool boolean literal",
      { Bool: { "aws:SecureTransport": false } },
      { "aws:SecureTransport": "true" },
      false,
    ],
    ["Bool missing key", { Bool: { "aws:SecureTransport": "true" } }, {}, false],
    ["BoolIfExists missing key", { BoolIfExists: { "aws:SecureTransport": "true" } }, {}, true],
    ["NumericLessThan", { NumericLessThan: { "s3:max-keys": 10 } }, { "s3:max-keys": "9" }, true],
    ["NumericLessThan equal", { NumericLessThan: { "s3:max-keys": "10" } }, { "s3:max-keys": "10" }, false],
    [
      "NumericLessThanEquals",
      { NumericLessThanEquals: { "s3:max-keys": "10" } },
      { "s3:max-keys": "10" },
      true,
    ],
    ["NumericGreaterThan", { NumericGreaterThan: { n: "1.5" } }, { n: "2" }, true],
    ["NumericGreaterThanEquals", { NumericGreaterThanEquals: { n: "2" } }, { n: "1" }, false],
    ["NumericEquals", { NumericEquals: { n: "3" } }, { n: "3.0" }, true],
    ["NumericNotEquals", { NumericNotEquals: { n: "3" } }, { n: "4" }, true],
    ["NumericNotEquals missing key", { NumericNotEquals: { n: "3" } }, {}, true],
    ["Numeric with a non-number", { NumericEquals: { n: "3" } }, { n: "three" }, false],
    [
      "DateLessThan ISO",
      { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } },
      { "aws:CurrentTime": "2025-06-01T12:00:00Z" },
      true,
    ],
    [
      "DateGreaterThan ISO",
      { DateGreaterThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } },
      { "aws:CurrentTime": "2025-06-01T12:00:00Z" },
      false,
    ],
    [
      "DateEquals epoch vs ISO",
      { DateEquals: { "aws:EpochTime": "1700000000" } },
      { "aws:EpochTime": "2023-11-14T22:13:20Z" },
      true,
    ],
    [
      "DateGreaterThanEquals",
      { DateGreaterThanEquals: { d: "2024-01-01" } },
      { d: "2024-01-01T00:00:00Z" },
      true,
    ],
    ["DateLessThanEquals missing", { DateLessThanEquals: { d: "2024-01-01" } }, {}, false],
    ["DateNotEquals missing", { DateNotEquals: { d: "2024-01-01" } }, {}, true],
    [
      "ArnLike with wildcards per part",
      { ArnLike: { "aws:SourceArn": "arn:aws:iam::*:role/app-*" } },
      { "aws:SourceArn": "arn:aws:iam::123456789012:role/app-web" },
      true,
    ],
    [
      "ArnLike * stays within its part",
      { ArnLike: { "aws:SourceArn": "arn:aws:iam::*:role/x" } },
      { "aws:SourceArn": "arn:aws:iam:us-east-1:123456789012:role/x" },
      false,
    ],
    [
      "ArnEquals behaves like ArnLike",
      { ArnEquals: { "aws:SourceArn": "arn:aws:s3:::bucket/*" } },
      { "aws:SourceArn": "arn:aws:s3:::bucket/a:b/c" },
      true,
    ],
    [
      "ArnLike on a non-ARN",
      { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } },
      { "aws:SourceArn": "bucket" },
      false,
    ],
    [
      "ArnNotLike",
      { ArnNotLike: { "aws:SourceArn": "arn:aws:s3:::bucket" } },
      { "aws:SourceArn": "arn:aws:s3:::other" },
      true,
    ],
    ["ArnNotEquals missing key", { ArnNotEquals: { "aws:SourceArn": "arn:aws:s3:::bucket" } }, {}, true],
    [
      "IpAddress IPv4 CIDR",
      { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } },
      { "aws:SourceIp": "10.1.2.3" },
      true,
    ],
    [
      "IpAddress IPv4 outside",
      { IpAddress: { "aws:SourceIp": ["192.168.0.0/16", "10.0.0.0/8"] } },
      { "aws:SourceIp": "11.1.2.3" },
      false,
    ],
    [
      "IpAddress IPv6 CIDR",
      { IpAddress: { "aws:SourceIp": "2001:db8::/32" } },
      { "aws:SourceIp": "2001:db8:0:1::5" },
      true,
    ],
    [
      "NotIpAddress",
      { NotIpAddress: { "aws:SourceIp": "127.0.0.1/32" } },
      { "aws:SourceIp": "127.0.0.1" },
      false,
    ],
  ];
  it.each(rows)("%s", (_n, cond, ctx, expected) => expect(holds(cond, ctx)).toBe(expected));
});

describe("policy variables in condition values", () => {
  const rows: Array<Row & { 4?: "2008-10-17" }> = [
    [
      "${aws:PrincipalTag/x} resolved",
      { StringEquals: { "s3:prefix": "home/${aws:PrincipalTag/user}/" } },
      { "s3:prefix": "home/alice/", "aws:PrincipalTag/user": "alice" },
      true,
    ],
    [
      "tag key lookup is case-insensitive",
      { StringEquals: { "s3:prefix": "${aws:principaltag/USER}" } },
      { "s3:prefix": "alice", "aws:PrincipalTag/user": "alice" },
      true,
    ],
    [
      "unresolvable variable: condition fails",
      { StringLike: { "s3:prefix": "home/${aws:PrincipalTag/user}/*" } },
      { "s3:prefix": "home//x" },
      false,
    ],
    [
      "unresolvable variable in a negated operator also fails",
      { StringNotEquals: { "s3:prefix": "${aws:PrincipalTag/user}" } },
      { "s3:prefix": "bob" },
      false,
    ],
    [
      "default value when missing",
      { StringEquals: { "s3:prefix": "${aws:PrincipalTag/user, 'nobody'}" } },
      { "s3:prefix": "nobody" },
      true,
    ],
    [
      "a substituted * is literal, not a wildcard",
      { StringLike: { "s3:prefix": "home/${aws:PrincipalTag/user}" } },
      { "s3:prefix": "home/bob", "aws:PrincipalTag/user": "*" },
      false,
    ],
    ["${*} is a literal star in StringLike", { StringLike: { k: "a${*}b" } }, { k: "a*b" }, true],
    ["${*} does not match anything else", { StringLike: { k: "a${*}b" } }, { k: "axb" }, false],
    ["${?} and ${$} escapes", { StringEquals: { k: "${?}${$}" } }, { k: "?$" }, true],
    [
      "${aws:username}",
      { StringEquals: { k: "${aws:username}" } },
      { k: "alice", "aws:username": "alice" },
      true,
    ],
    [
      "multivalued variable cannot resolve",
      { StringEquals: { k: "${aws:TagKeys}" } },
      { k: "a", "aws:TagKeys": ["a", "b"] },
      false,
    ],
  ];
  it.each(rows)("%s", (_n, cond, ctx, expected) => expect(holds(cond, ctx)).toBe(expected));

  it("Version 2008-10-17 treats ${...} literally", () => {
    const cond = { StringEquals: { k: "${aws:username}" } };
    expect(holds(cond, { k: "alice", "aws:username": "alice" }, "2008-10-17")).toBe(false);
    expect(holds(cond, { k: "${aws:username}" }, "2008-10-17")).toBe(true);
  });
});
