// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
import { describe, expect, it } from "vitest";
import {
  type Decision,
  type EvaluationRequest,
  evaluatePolicies,
  evaluateWithSession,
  MalformedPolicyError,
  type PolicyDocument,
  type PolicyStatement,
} from "../../src/iam/index.js";

const V = "2012-10-17" as const;
const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: V, Statement });
const allow = (
  Action: string | string[],
  Resource: string | string[],
  extra: Partial<PolicyStatement> = {},
) => ({ Effect: "Allow", Action, Resource, ...extra }) as PolicyStatement;
const deny = (Action: string | string[], Resource: string | string[], extra: Partial<PolicyStatement> = {}) =>
  ({ Effect: "Deny", Action, Resource, ...extra }) as PolicyStatement;
const req = (
  action: string,
  resource: string,
  context: EvaluationRequest["context"] = {},
): EvaluationRequest => ({
  action,
  resource,
  context,
});

describe("evaluatePolicies: actions, resources, effects", () => {
  const rows: Array<[string, PolicyDocument[], EvaluationRequest, Decision]> = [
    ["no policy is an implicit deny", [], req("s3:GetObject", "arn:aws:s3:::b/k"), "implicit-deny"],
    [
      "exact allow",
      [doc(allow("s3:GetObject", "arn:aws:s3:::b/k"))],
      req("s3:GetObject", "arn:aws:s3:::b/k"),
      "allow",
    ],
    ["action wildcard", [doc(allow("s3:Get*", "*"))], req("s3:GetObject", "arn:aws:s3:::b/k"), "allow"],
    [
      "action match is case-insensitive",
      [doc(allow("S3:getobject", "*"))],
      req("s3:GetObject", "x"),
      "allow",
    ],
    ["action ? wildcard", [doc(allow("s3:?etObject", "*"))], req("s3:GetObject", "x"), "allow"],
    [
      "action * does not cross services",
      [doc(allow("s3:*", "*"))],
      req("sts:AssumeRole", "x"),
      "implicit-deny",
    ],
    ["a lone * action", [doc(allow("*", "*"))], req("sts:AssumeRole", "x"), "allow"],
    [
      "action lists are OR-ed",
      [doc(allow(["s3:PutObject", "s3:GetObject"], "*"))],
      req("s3:GetObject", "x"),
      "allow",
    ],
    [
      "resource wildcard",
      [doc(allow("s3:GetObject", "arn:aws:s3:::b/users/*"))],
      req("s3:GetObject", "arn:aws:s3:::b/users/a/x"),
      "allow",
    ],
    [
      "resource * crosses / and :",
      [doc(allow("s3:GetObject", "arn:aws:s3:::b*"))],
      req("s3:GetObject", "arn:aws:s3:::b/a:b/c"),
      "allow",
    ],
    [
      "resource is case-sensitive",
      [doc(allow("s3:GetObject", "arn:aws:s3:::b/Users/*"))],
      req("s3:GetObject", "arn:aws:s3:::b/users/a"),
      "implicit-deny",
    ],
    [
      "resource ? wildcard",
      [doc(allow("s3:GetObject", "arn:aws:s3:::b/?"))],
      req("s3:GetObject", "arn:aws:s3:::b/ab"),
      "implicit-deny",
    ],
    [
      "resource lists are OR-ed",
      [doc(allow("s3:GetObject", ["arn:aws:s3:::x/*", "arn:aws:s3:::b/*"]))],
      req("s3:GetObject", "arn:aws:s3:::b/k"),
      "allow",
    ],
    [
      "explicit deny wins in the same policy",
      [doc(allow("s3:*", "*"), deny("s3:GetObject", "arn:aws:s3:::b/secret/*"))],
      req("s3:GetObject", "arn:aws:s3:::b/secret/x"),
      "explicit-deny",
    ],
    [
      "explicit deny wins across policies",
      [doc(allow("s3:*", "*")), doc(deny("s3:*", "*"))],
      req("s3:GetObject", "x"),
      "explicit-deny",
    ],
    [
      "a deny that does not match leaves the allow",
      [doc(allow("s3:*", "*"), deny("s3:DeleteObject", "*"))],
      req("s3:GetObject", "x"),
      "allow",
    ],
    [
      "NotAction allows everything else",
      [doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })],
      req("s3:GetObject", "x"),
      "allow",
    ],
    [
      "NotAction excludes its actions",
      [doc({ Effect: "Allow", NotAction: ["iam:*", "s3:Get*"], Resource: "*" })],
      req("s3:GetObject", "x"),
      "implicit-deny",
    ],
    [
      "NotResource allows other resources",
      [doc({ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::b/private/*" })],
      req("s3:GetObject", "arn:aws:s3:::b/public/x"),
      "allow",
    ],
    [
      "NotResource excludes its resources",
      [doc({ Effect: "Allow", Action: "s3:*", NotResource: "arn:aws:s3:::b/private/*" })],
      req("s3:GetObject", "arn:aws:s3:::b/private/x"),
      "implicit-deny",
    ],
    [
      "Deny with NotResource",
      [doc(allow("s3:*", "*"), { Effect: "Deny", Action: "s3:*", NotResource: "arn:aws:s3:::b/*" })],
      req("s3:GetObject", "arn:aws:s3:::c/x"),
      "explicit-deny",
    ],
    [
      "a condition that fails skips the statement",
      [doc(allow("s3:*", "*", { Condition: { StringEquals: { "aws:PrincipalTag/team": "a" } } }))],
      req("s3:GetObject", "x", { "aws:PrincipalTag/team": "b" }),
      "implicit-deny",
    ],
  ];
  it.each(rows)("%s", (_n, policies, request, expected) =>
    expect(evaluatePolicies(policies, request)).toBe(expected),
  );
});

describe("evaluatePolicies: policy variables in Resource", () => {
  const scoped = doc(allow("s3:GetObject", "arn:aws:s3:::b/users/${aws:PrincipalTag/user}/*"));
  const rows: Array<[string, PolicyDocument, EvaluationRequest, Decision]> = [
    [
      "own prefix",
      scoped,
      req("s3:GetObject", "arn:aws:s3:::b/users/alice/f", { "aws:PrincipalTag/user": "alice" }),
      "allow",
    ],
    [
      "someone else's prefix",
      scoped,
      req("s3:GetObject", "arn:aws:s3:::b/users/bob/f", { "aws:PrincipalTag/user": "alice" }),
      "implicit-deny",
    ],
    [
      "no tag: statement does not match",
      scoped,
      req("s3:GetObject", "arn:aws:s3:::b/users//f"),
      "implicit-deny",
    ],
    [
      "a tag value of * is literal",
      scoped,
      req("s3:GetObject", "arn:aws:s3:::b/users/bob/f", { "aws:PrincipalTag/user": "*" }),
      "implicit-deny",
    ],
    [
      "${aws:userid}",
      doc(allow("s3:*", "arn:aws:s3:::b/${aws:userid}/*")),
      req("s3:PutObject", "arn:aws:s3:::b/AROA1:alice/x", { "aws:userid": "AROA1:alice" }),
      "allow",
    ],
    [
      "variables are literal in 2008-10-17",
      { Statement: allow("s3:*", "arn:aws:s3:::b/${aws:username}") },
      req("s3:GetObject", "arn:aws:s3:::b/alice", { "aws:username": "alice" }),
      "implicit-deny",
    ],
    [
      "${*} escape in a resource",
      doc(allow("s3:*", "arn:aws:s3:::b/${*}")),
      req("s3:GetObject", "arn:aws:s3:::b/x"),
      "implicit-deny",
    ],
    [
      "${*} escape matches a literal star",
      doc(allow("s3:*", "arn:aws:s3:::b/${*}")),
      req("s3:GetObject", "arn:aws:s3:::b/*"),
      "allow",
    ],
    [
      "unresolvable Deny does not apply",
      doc(allow("s3:*", "*"), deny("s3:*", "arn:aws:s3:::b/${aws:PrincipalTag/x}")),
      req("s3:GetObject", "arn:aws:s3:::b/"),
      "allow",
    ],
  ];
  it.each(rows)("%s", (_n, policy, request, expected) =>
    expect(evaluatePolicies([policy], request)).toBe(expected),
  );
});

describe("evaluatePolicies: trust policies and principals", () => {
  const provider = "arn:aws:iam::123456789012:oidc-provider/example.com/oidc";
  const trust = (principal: PolicyStatement["Principal"], extra: Partial<PolicyStatement> = {}) =>
    doc({
      Effect: "Allow",
      Principal: principal,
      Action: "sts:AssumeRoleWithWebIdentity",
      ...extra,
    } as PolicyStatement);
  const web = (principal: EvaluationRequest["principal"], context: EvaluationRequest["context"] = {}) => ({
    action: "sts:AssumeRoleWithWebIdentity",
    resource: "arn:aws:iam::123456789012:role/r",
    principal,
    context,
  });
  const rows: Array<[string, PolicyDocument, EvaluationRequest, Decision]> = [
    ["Federated matches", trust({ Federated: provider }), web({ federated: provider }), "allow"],
    [
      "Federated other provider",
      trust({ Federated: provider }),
      web({ federated: `${provider}2` }),
      "implicit-deny",
    ],
    ["no principal presented", trust({ Federated: provider }), web(undefined), "implicit-deny"],
    ["Principal * matches anyone", trust("*"), web({ aws: "arn:aws:iam::999999999999:role/x" }), "allow"],
    [
      "AWS account id names its principals",
      trust({ AWS: "123456789012" }),
      web({ aws: "arn:aws:iam::123456789012:role/x" }),
      "allow",
    ],
    [
      "AWS root names its principals",
      trust({ AWS: "arn:aws:iam::123456789012:root" }),
      web({ aws: "arn:aws:sts::123456789012:assumed-role/x/s" }),
      "allow",
    ],
    [
      "AWS root of another account",
      trust({ AWS: "arn:aws:iam::123456789012:root" }),
      web({ aws: "arn:aws:iam::999999999999:role/x" }),
      "implicit-deny",
    ],
    [
      "a role ARN names its sessions",
      trust({ AWS: "arn:aws:iam::123456789012:role/path/app" }),
      web({ aws: "arn:aws:sts::123456789012:assumed-role/app/s1" }),
      "allow",
    ],
    [
      "a role ARN does not name other roles' sessions",
      trust({ AWS: "arn:aws:iam::123456789012:role/app" }),
      web({ aws: "arn:aws:sts::123456789012:assumed-role/other/s1" }),
      "implicit-deny",
    ],
    [
      "Service principal",
      trust({ Service: ["lambda.amazonaws.com"] }),
      web({ service: "lambda.amazonaws.com" }),
      "allow",
    ],
    [
      "NotPrincipal excludes",
      doc({ Effect: "Allow", NotPrincipal: { Federated: provider }, Action: "sts:*" }),
      web({ federated: provider }),
      "implicit-deny",
    ],
    [
      "trust conditions on aud and sub",
      trust(
        { Federated: provider },
        {
          Condition: {
            StringEquals: { "example.com/oidc:aud": "sts.amazonaws.com" },
            StringLike: { "example.com/oidc:sub": "repo:acme/*" },
          },
        },
      ),
      web(
        { federated: provider },
        { "example.com/oidc:aud": "sts.amazonaws.com", "example.com/oidc:sub": "repo:acme/app" },
      ),
      "allow",
    ],
    [
      "trust condition on sub refused",
      trust(
        { Federated: provider },
        { Condition: { StringLike: { "example.com/oidc:sub": "repo:acme/*" } } },
      ),
      web({ federated: provider }, { "example.com/oidc:sub": "repo:evil/app" }),
      "implicit-deny",
    ],
  ];
  it.each(rows)("%s", (_n, policy, request, expected) =>
    expect(evaluatePolicies([policy], request)).toBe(expected),
  );
});

describe("evaluateWithSession", () => {
  const identity = [doc(allow("s3:*", "arn:aws:s3:::b/*"))];
  const get = (key: string) => req("s3:GetObject", `arn:aws:s3:::b/${key}`);
  const rows: Array<[string, Parameters<typeof evaluateWithSession>[1], EvaluationRequest, Decision]> = [
    ["identity only", { identityPolicies: identity }, get("x"), "allow"],
    [
      "empty session list = no session policy",
      { identityPolicies: identity, sessionPolicies: [] },
      get("x"),
      "allow",
    ],
    [
      "session policy narrows",
      { identityPolicies: identity, sessionPolicies: [doc(allow("s3:GetObject", "arn:aws:s3:::b/pub/*"))] },
      get("priv/x"),
      "implicit-deny",
    ],
    [
      "inside both",
      { identityPolicies: identity, sessionPolicies: [doc(allow("s3:GetObject", "arn:aws:s3:::b/pub/*"))] },
      get("pub/x"),
      "allow",
    ],
    [
      "session policy cannot widen",
      {
        identityPolicies: [doc(allow("s3:GetObject", "arn:aws:s3:::b/pub/*"))],
        sessionPolicies: [doc(allow("s3:*", "*"))],
      },
      get("priv/x"),
      "implicit-deny",
    ],
    [
      "deny in the session policy wins",
      { identityPolicies: identity, sessionPolicies: [doc(allow("s3:*", "*"), deny("s3:GetObject", "*"))] },
      get("x"),
      "explicit-deny",
    ],
    [
      "deny in identity wins over a session allow",
      {
        identityPolicies: [doc(allow("s3:*", "*"), deny("s3:*", "arn:aws:s3:::b/x"))],
        sessionPolicies: [doc(allow("s3:*", "*"))],
      },
      get("x"),
      "explicit-deny",
    ],
    [
      "several session policies are a union",
      {
        identityPolicies: identity,
        sessionPolicies: [
          doc(allow("s3:GetObject", "arn:aws:s3:::b/a")),
          doc(allow("s3:GetObject", "arn:aws:s3:::b/x")),
        ],
      },
      get("x"),
      "allow",
    ],
    [
      "permissions boundary must allow too",
      { identityPolicies: identity, permissionsBoundary: doc(allow("s3:PutObject", "*")) },
      get("x"),
      "implicit-deny",
    ],
    [
      "no identity policy",
      { identityPolicies: [], sessionPolicies: [doc(allow("s3:*", "*"))] },
      get("x"),
      "implicit-deny",
    ],
  ];
  it.each(rows)("%s", (_n, policies, request, expected) =>
    expect(evaluateWithSession(request, policies)).toBe(expected),
  );
});

describe("malformed documents", () => {
  it("throws MalformedPolicyError rather than evaluating a malformed policy", () => {
    const bad = {
      Version: V,
      Statement: { Effect: "Allow", Action: "s3:*", Resource: "*", Condition: { StringEqualz: { a: "b" } } },
    };
    expect(() => evaluatePolicies([bad as unknown as PolicyDocument], req("s3:GetObject", "x"))).toThrow(
      MalformedPolicyError,
    );
  });
});
