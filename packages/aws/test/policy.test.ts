import { FederationError } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { assertPolicyValue, assertTag, sessionPolicyTemplate } from "../src/policy.js";
import { fakeToken } from "./helpers.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof FederationError ? err.code : "not-federation-error";
  }
  return undefined;
}

describe("values placed into policies", () => {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template
  it.each(["*", "a*", "a?b", "${aws:username}", "$x", "a/b", "..", ".", "a b", 'a"b', "a\\b", "{x}", ""])(
    "refuses %j with policy_refused",
    (value) => {
      expect(codeOf(() => assertPolicyValue(value, "sub"))).toBe("policy_refused");
    },
  );

  it.each(["alice", "alice@example.com", "user:42", "a_b-c.d+e=f,g"])("accepts %j", (value) => {
    expect(assertPolicyValue(value)).toBe(value);
  });

  it("validates session tags", () => {
    expect(codeOf(() => assertTag("user", "alice"))).toBeUndefined();
    expect(codeOf(() => assertTag("team", "a/b c"))).toBeUndefined();
    expect(codeOf(() => assertTag("user", "*"))).toBe("policy_refused");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template
    expect(codeOf(() => assertTag("user", "${aws:username}"))).toBe("policy_refused");
    expect(codeOf(() => assertTag("aws:x", "v"))).toBe("policy_refused");
  });
});

describe("sessionPolicyTemplate", () => {
  const template = sessionPolicyTemplate({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/users/{{sub}}/*" }],
  });

  it("fills claims and keeps the template as its cache key", () => {
    const text = template.render(fakeToken({ sub: "alice" }));
    expect(JSON.parse(text).Statement[0].Resource).toBe("arn:aws:s3:::b/users/alice/*");
    expect(template.key).toContain("{{sub}}");
  });

  it("refuses a crafted sub instead of widening the grant", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, not a JS template
    for (const sub of ["*", "alice/..", "al?ce", "${aws:userid}"]) {
      expect(codeOf(() => template.render(fakeToken({ sub })))).toBe("policy_refused");
    }
    expect(codeOf(() => template.render(fakeToken({})))).toBe("policy_refused");
  });

  it("refuses a template that is not JSON, and a rendered policy over 2048 characters", () => {
    expect(() => sessionPolicyTemplate("{not json")).toThrow(TypeError);
    const big = sessionPolicyTemplate({ Version: "2012-10-17", Statement: [], Pad: "x".repeat(2100) });
    expect(codeOf(() => big.render(fakeToken({ sub: "a" })))).toBe("config");
  });
});
