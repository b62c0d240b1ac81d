// AWS's session-tag claim is shaped on the AWS side and handed to any issuer's mint hook as extra claims.
import { FederationError } from "@fedkit/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  AWS_TAGS_CLAIM,
  awsSessionTagsClaim,
  tagKeyAccepted,
  tagValueAccepted,
} from "../src/session-tags.js";

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

// The patterns AWS documents for session tags (IAM User Guide, "Tagging AWS STS sessions"): what the ASCII-first
// check must accept and refuse exactly as they do, on any text, ASCII or not.
const AWS_KEY = /^[\p{L}\p{N}_.:/=+\-@]{1,128}$/u;
const AWS_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;

describe("session-tag character checks", () => {
  it("accept and refuse exactly what AWS's Unicode patterns do, on ASCII and on any text", () => {
    const ascii = fc.string({
      unit: fc.constantFrom(..." !*?aZ09_.:/=+-@\t\u00e9\u00a0\u0663\ud83d\ude00"),
      maxLength: 140,
    });
    const any = fc.string({ unit: "grapheme", maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(ascii, any, fc.string({ maxLength: 300 })), (text) => {
        expect(tagKeyAccepted(text)).toBe(AWS_KEY.test(text));
        expect(tagValueAccepted(text)).toBe(AWS_VALUE.test(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("accept letters, digits and spaces beyond ASCII, and refuse what is neither", () => {
    expect(tagKeyAccepted("café")).toBe(true);
    expect(tagKeyAccepted("٣")).toBe(true);
    expect(tagValueAccepted("a\u00a0b")).toBe(true);
    expect(tagKeyAccepted("a b")).toBe(false);
    expect(tagValueAccepted("😀")).toBe(false);
    expect(tagValueAccepted("x".repeat(257))).toBe(false);
    expect(tagKeyAccepted("")).toBe(false);
    expect(awsSessionTagsClaim({ équipe: "données" })).toEqual({
      [AWS_TAGS_CLAIM]: { principal_tags: { équipe: ["données"] } },
    });
  });
});
