import type { SubjectToken } from "@fedkit/core";
import type { ExchangeContext, HttpRequest } from "@fedkit/core/provider";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sessionPolicyTemplate } from "../src/policy.js";
import { awsProvider, sessionPolicy } from "../src/provider.js";
import { resolveSessionName } from "../src/session-name.js";
import { stsForm } from "../src/sts-request.js";
import { fakeToken, stsSuccess } from "./helpers.js";

/** What stsForm gave before its fast path: every field through URLSearchParams. */
const viaUrlSearchParams = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();

describe("stsForm", () => {
  it("encodes every value as URLSearchParams does, the characters left as they are included", () => {
    // The edges of the fast path: what URLSearchParams keeps (`*-._`), what encodeURIComponent keeps and it does
    // not (`!'()~`), space (`+`), the form's own separators, non-ASCII and a lone surrogate (U+FFFD).
    const values = ["a*b-c.d_e", "a b", "a+b&c=d%e", "x/y:z", "é€😀", "\uD800x", "", "arn:aws:iam::1:role/r"];
    // Every printable ASCII character alone, and inside a token-like value.
    for (let code = 0x20; code < 0x7f; code++)
      values.push(String.fromCharCode(code), `eyJ${String.fromCharCode(code)}.x_y-z`);
    for (const value of values)
      expect(stsForm({ Name: value }), value).toBe(viaUrlSearchParams([["Name", value]]));
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite" }), fc.string({ unit: "binary" }), (a, b) => {
        expect(stsForm({ A: a, B: b })).toBe(
          viaUrlSearchParams([
            ["A", a],
            ["B", b],
          ]),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("writes lists and lists of structures as members, in order, leaving out what is undefined", () => {
    const form = stsForm({
      Action: "AssumeRole",
      DurationSeconds: 900,
      Policy: undefined,
      TransitiveTagKeys: ["team", "cost center"],
      Tags: [{ Key: "user", Value: "alice smith" }],
    });
    expect(form).toBe(
      viaUrlSearchParams([
        ["Action", "AssumeRole"],
        ["DurationSeconds", "900"],
        ["TransitiveTagKeys.member.1", "team"],
        ["TransitiveTagKeys.member.2", "cost center"],
        ["Tags.member.1.Key", "user"],
        ["Tags.member.1.Value", "alice smith"],
      ]),
    );
  });
});

describe("awsProvider's AssumeRoleWithWebIdentity body", () => {
  /** A context that records the request and answers with an STS success. */
  function recordingContext(sent: HttpRequest[]): ExchangeContext {
    return {
      now: () => Date.now(),
      random: (bytes) => bytes,
      correlationId: "c",
      get signal(): AbortSignal {
        return new AbortController().signal;
      },
      async send(request) {
        sent.push(request);
        const text = stsSuccess("AssumeRoleWithWebIdentity");
        return { status: 200, headers: new Headers(), text, attempts: 1 };
      },
    };
  }

  it("is the same text as one stsForm of all its fields, for each subject (per-provider part encoded once)", async () => {
    const policy = sessionPolicyTemplate({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/{{sub}}/*" }],
    });
    const sessionName = (subject: SubjectToken) => `s-${String(subject.claims.sub)}`;
    const aws = awsProvider({
      roleArn: "arn:aws:iam::123456789012:role/reader",
      region: "eu-west-1",
      durationSeconds: 1800,
      policy,
      policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/Other"],
      sessionName,
    });
    const sent: HttpRequest[] = [];
    for (const sub of ["alice", "bob=o,neil@x:y"]) {
      const token = fakeToken({ sub, aud: "sts.amazonaws.com" });
      await aws.exchange(token, recordingContext(sent));
      // The subject's own policy went out (the template is rendered per subject, not encoded once).
      expect(sent.at(-1)?.body).toContain(viaUrlSearchParams([["x", `b/${sub}/`]]).slice(2));
      expect(sent.at(-1)?.body).toBe(
        stsForm({
          Action: "AssumeRoleWithWebIdentity",
          Version: "2011-06-15",
          RoleArn: "arn:aws:iam::123456789012:role/reader",
          RoleSessionName: resolveSessionName(sessionName, token),
          WebIdentityToken: token.raw,
          DurationSeconds: 1800,
          Policy: sessionPolicy(policy).render(token),
          PolicyArns: [
            { arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" },
            { arn: "arn:aws:iam::aws:policy/Other" },
          ],
        }),
      );
    }
    // The headers object every exchange sends is one that no transport can change for the next exchange.
    expect(sent[0]?.headers).toBe(sent[1]?.headers);
    expect(Object.isFrozen(sent[0]?.headers)).toBe(true);
  });
});
