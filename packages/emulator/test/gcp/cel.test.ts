import { describe, expect, it } from "vitest";
import { CelConfigError, compileCel, fromCel } from "../../src/gcp/cel.js";

describe("compileCel (attribute mapping / condition)", () => {
  it("evaluates Google-style mappings with the strings extension and extract()", () => {
    const mapping = compileCel(
      'assertion.sub.extract("site:{site}:") + "/" + assertion.groups.filter(g, g.startsWith("a")).join(",")',
      ["assertion"],
    );
    const out = fromCel(
      mapping({ assertion: { sub: "site:abc:context:production", groups: ["ab", "b", "ac"] } }),
    );
    expect(out).toBe("abc/ab,ac");
  });

  it("evaluates a condition over assertion, google and attribute", () => {
    const condition = compileCel(
      'attribute.site == "abc" && google.subject.startsWith("site:") && assertion.context in ["production"]',
      ["assertion", "google", "attribute"],
    );
    const bindings = (context: string) => ({
      assertion: { context },
      google: { subject: "site:abc" },
      attribute: { site: "abc" },
    });
    expect(condition(bindings("production"))).toBe(true);
    expect(condition(bindings("deploy-preview"))).toBe(false);
  });

  it("supports has() on missing claims and numeric comparisons", () => {
    const condition = compileCel("has(assertion.branch) || assertion.exp > 10", ["assertion"]);
    expect(condition({ assertion: { exp: 20 } })).toBe(true);
    expect(condition({ assertion: { exp: 5 } })).toBe(false);
  });

  it.each([
    ["frob(assertion.sub)", /unsupported function "frob"/],
    ['google.subject == "x"', /unknown variable "google"/],
    ["assertion.sub ==", /invalid CEL/],
    ["pkg.Msg{a: 1}", /unknown variable|message construction/],
  ])("rejects %s as a configuration error", (source, message) => {
    expect(() => compileCel(source, ["assertion"])).toThrow(CelConfigError);
    expect(() => compileCel(source, ["assertion"])).toThrow(message);
  });

  it("throws the CEL error for a missing claim accessed without has()", () => {
    const mapping = compileCel("assertion.missing", ["assertion"]);
    expect(() => mapping({ assertion: { sub: "a" } })).toThrow(/missing/);
  });
});

describe("crc32c", () => {
  it("matches the RFC 3720 check value", async () => {
    const { crc32c } = await import("../../src/gcp/state.js");
    // CRC-32C of "123456789" is 0xE3069283.
    expect(Buffer.from(crc32c(new TextEncoder().encode("123456789")), "base64").toString("hex")).toBe(
      "e3069283",
    );
  });
});
