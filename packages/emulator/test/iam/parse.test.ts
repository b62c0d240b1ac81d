import { describe, expect, it } from "vitest";
import { MalformedPolicyError, parsePolicy } from "../../src/iam/index.js";

const ok = { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };

describe("parsePolicy", () => {
  it("accepts a statement object or an array, from a string or an object, and returns a copy", () => {
    const doc = { Version: "2012-10-17", Statement: ok };
    const parsed = parsePolicy(doc);
    expect(parsed).toEqual(doc);
    expect(parsed).not.toBe(doc);
    expect(
      parsePolicy(JSON.stringify({ Version: "2012-10-17", Statement: [ok, { ...ok, Effect: "Deny" }] })),
    ).toMatchObject({ Statement: [{ Effect: "Allow" }, { Effect: "Deny" }] });
  });

  it("accepts a trust policy with Principal and conditions", () => {
    const trust = {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::123456789012:oidc-provider/example.com" },
          Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
          Condition: {
            StringEquals: { "example.com:aud": "sts.amazonaws.com" },
            "ForAllValues:StringLike": { "aws:RequestTag/team": ["a*", "b?"] },
            NumericLessThanIfExists: { "aws:MultiFactorAuthAge": 3600 },
            Null: { "aws:RequestTag/x": true },
          },
        },
      ],
    };
    expect(parsePolicy(trust, { kind: "trust" })).toEqual(trust);
  });

  const cases: Array<[string, unknown, RegExp, { kind?: "identity" | "trust" }?]> = [
    ["invalid JSON", "{", /not valid JSON/],
    ["a non-object", [], /must be a JSON object/],
    ["an unknown top-level element", { Statement: ok, Foo: 1 }, /^Foo: unknown top-level element "Foo"/],
    ["a bad Version", { Version: "2020-01-01", Statement: ok }, /^Version: Version must be "2012-10-17"/],
    ["a missing Statement", { Version: "2012-10-17" }, /^Statement: Statement is required/],
    ["an empty Statement list", { Statement: [] }, /at least one statement/],
    [
      "a bad Effect",
      { Statement: { ...ok, Effect: "allow" } },
      /^Statement.Effect: Effect must be "Allow" or "Deny"/,
    ],
    ["no Action", { Statement: { Effect: "Allow", Resource: "*" } }, /exactly one of Action or NotAction/],
    [
      "Action and NotAction",
      { Statement: { ...ok, NotAction: "s3:*" } },
      /exactly one of Action or NotAction/,
    ],
    [
      "an action without vendor",
      { Statement: [ok, { ...ok, Action: ["s3GetObject"] }] },
      /^Statement\[1\].Action\[0\]: "s3GetObject" is not an action/,
    ],
    [
      "an empty action list",
      { Statement: { ...ok, Action: [] } },
      /^Statement.Action: must not be an empty list/,
    ],
    [
      "a non-string resource",
      { Statement: { ...ok, Resource: [1] } },
      /^Statement.Resource\[0\]: must be a non-empty string/,
    ],
    [
      "Resource and NotResource",
      { Statement: { ...ok, NotResource: "x" } },
      /Resource and NotResource cannot both/,
    ],
    [
      "an unknown element",
      { Statement: { ...ok, Actions: "s3:*" } },
      /^Statement.Actions: unknown element "Actions"/,
    ],
    ["a bad Sid", { Statement: { ...ok, Sid: "no spaces" } }, /Sid must be a string of letters and digits/],
    [
      "an unknown operator",
      { Statement: { ...ok, Condition: { StringEqualz: { k: "v" } } } },
      /^Statement.Condition.StringEqualz: unknown condition operator/,
    ],
    [
      "an unknown set prefix",
      { Statement: { ...ok, Condition: { "ForSomeValues:StringLike": { k: "v" } } } },
      /unknown condition operator/,
    ],
    [
      "NullIfExists",
      { Statement: { ...ok, Condition: { NullIfExists: { k: "true" } } } },
      /unknown condition operator "NullIfExists"/,
    ],
    [
      "a bad Null value",
      { Statement: { ...ok, Condition: { Null: { k: "yes" } } } },
      /Null takes "true" or "false"/,
    ],
    [
      "an object condition value",
      { Statement: { ...ok, Condition: { StringEquals: { k: { a: 1 } } } } },
      /^Statement.Condition.StringEquals.k: condition values must be/,
    ],
    [
      "an empty condition key block",
      { Statement: { ...ok, Condition: { StringEquals: {} } } },
      /non-empty object of condition key/,
    ],
    [
      "a bad principal type",
      { Statement: { ...ok, Principal: { User: "x" } } },
      /unknown principal type "User"/,
    ],
    [
      "Principal in an identity policy",
      { Statement: { ...ok, Principal: "*" } },
      /an identity policy cannot name a Principal/,
      { kind: "identity" },
    ],
    [
      "no Resource in an identity policy",
      { Statement: { Effect: "Allow", Action: "s3:*" } },
      /Resource or NotResource is required/,
      { kind: "identity" },
    ],
    [
      "no Principal in a trust policy",
      { Statement: { Effect: "Allow", Action: "sts:AssumeRole" } },
      /Principal or NotPrincipal is required/,
      { kind: "trust" },
    ],
  ];
  it.each(cases)("rejects %s with a message naming the problem", (_name, doc, message, options) => {
    let error: unknown;
    try {
      parsePolicy(doc, options);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MalformedPolicyError);
    expect((error as MalformedPolicyError).awsCode).toBe("MalformedPolicyDocument");
    expect((error as Error).message).toMatch(message);
  });
});
