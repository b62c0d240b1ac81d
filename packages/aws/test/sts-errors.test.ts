// The STS error table: codes it does not know map by HTTP status, even when they are named like a property every
// object has (a proxy or a broken answer must not turn the mapping itself into a TypeError).
import { FederationError } from "@fedkit/core";
import { describe, expect, it } from "vitest";
import { parseRoleArn } from "../src/partition.js";
import { stsFailure } from "../src/sts-errors.js";
import { fakeToken } from "./helpers.js";

const info = {
  operation: "AssumeRoleWithWebIdentity",
  role: parseRoleArn("arn:aws:iam::123456789012:role/r"),
  subject: fakeToken({}),
  audience: "sts.amazonaws.com",
} as const;
const answer = (status: number, code: string) => ({
  status,
  headers: new Headers(),
  attempts: 1,
  text: `<ErrorResponse><Error><Code>${code}</Code><Message>m</Message></Error></ErrorResponse>`,
});

describe("stsFailure on codes it does not know", () => {
  it.each([
    [400, "constructor", "invalid_request", false],
    [403, "toString", "access_denied", false],
    [429, "__proto__", "throttled", true],
    [503, "hasOwnProperty", "provider_unavailable", true],
    [500, "InternalFailure", "provider_unavailable", true],
  ])("HTTP %i with <Code>%s</Code> maps to %s by status", (status, cloudCode, code, retryable) => {
    const error = stsFailure(answer(status, cloudCode), info);
    expect(error).toBeInstanceOf(FederationError);
    expect(error).toMatchObject({ code, cloudCode, retryable, status });
    expect(error.hint).toMatch(/\w/);
  });
});
