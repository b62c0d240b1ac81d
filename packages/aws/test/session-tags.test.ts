// AWS's session-tag claim is shaped on the AWS side and handed to any issuer's mint hook as extra claims.
import { FederationError } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { AWS_TAGS_CLAIM, awsSessionTagsClaim } from "../src/session-tags.js";

describe("awsSessionTagsClaim", () => {
  it("builds the principal_tags (and transitive keys) claim AWS reads", () => {
    expect(awsSessionTagsClaim({ site: "s1", context: "production" })).toEqual({
      [AWS_TAGS_CLAIM]: { principal_tags: { site: ["s1"], context: ["production"] } },
    });
    expect(awsSessionTagsClaim({ user: "u" }, ["user"])).toEqual({
      "https://aws.amazon.com/tags": { principal_tags: { user: ["u"] }, transitive_tag_keys: ["user"] },
    });
  });

  it("refuses wildcards, aws: keys and more than 50 tags with a config error", () => {
    const refused: Record<string, string>[] = [{ user: "a*" }, { "aws:x": "v" }, { "bad key!": "v" }];
    for (const tags of refused) {
      let error: unknown;
      try {
        awsSessionTagsClaim(tags);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(FederationError);
      expect(error).toMatchObject({ code: "config", provider: "aws" });
    }
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    expect(() => awsSessionTagsClaim(many)).toThrow(/More than 50/);
    expect(() => awsSessionTagsClaim(Object.fromEntries(Object.entries(many).slice(0, 50)))).not.toThrow();
  });
});
