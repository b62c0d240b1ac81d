import { describe, expect, it } from "vitest";
import { clockSkewHint, decodeSubjectToken, measureClockSkew } from "../src/provider/index.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const IAT = 1_800_000_000;
const token = (claims: Record<string, unknown> = { iat: IAT, exp: IAT + 300 }) =>
  decodeSubjectToken(`${b64({ alg: "RS256" })}.${b64({ sub: "s", ...claims })}.c2ln`);
const at = (seconds: number) => new Headers({ date: new Date(seconds * 1000).toUTCString() });

describe("measureClockSkew", () => {
  it("is the cloud's Date minus the token's iat, in seconds, signed", () => {
    expect(measureClockSkew(at(IAT + 420), token())).toBe(420);
    expect(measureClockSkew(at(IAT - 75), token())).toBe(-75);
  });

  it("is undefined without a usable Date header or numeric iat", () => {
    expect(measureClockSkew(new Headers(), token())).toBeUndefined();
    expect(measureClockSkew(new Headers({ date: "yesterday-ish" }), token())).toBeUndefined();
    expect(measureClockSkew(at(IAT), token({ iat: "1800000000" }))).toBeUndefined();
  });
});

describe("clockSkewHint", () => {
  it("calls it clock skew, with the measured seconds and the token's lifetime, and changes no trust", () => {
    const hint = clockSkewHint("Google STS", "expired", 420, token());
    expect(hint).toMatch(
      /^Google STS found the token already expired \(Google STS's clock read 420 s after its iat; it lives 300 s\)/,
    );
    expect(hint).toContain("clock skew between the issuer and Google STS; change no trust policy");
    expect(clockSkewHint("Entra", "not_yet_valid", -75, token())).toMatch(
      /not yet valid \(Entra's clock read 75 s before its iat/,
    );
    expect(clockSkewHint("AWS STS", "expired", undefined, token())).toContain(
      "(no Date header to measure the skew)",
    );
    expect(clockSkewHint("AWS STS", "expired", undefined, token())).toContain(
      "change no trust policy, fix the issuer's clock (NTP).",
    );
  });
});
