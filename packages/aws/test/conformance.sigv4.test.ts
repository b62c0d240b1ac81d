// fedkit's signing (aws4fetch's AwsV4Signer, as fedkit configures it) against AWS's SigV4 test suites (../shared/oracles/aws-sigv4).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { oracleSuite } from "@fedkit/test-support/oracles";
import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { BoundedMap, createSigner } from "../src/signing.js";

interface Entry {
  name: string;
  suite: string;
  request: { method: string; url: string; headers: [string, string][]; body: string };
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  sessionTokenPlacement: string | null;
  date: string;
  region: string;
  service: string;
  expected: { canonicalRequest: string; authorization: string };
}

/**
 * Two runs over the same 65 cases:
 *
 * 1. **fedkit's signer** (`createSigner`, the exact aws4fetch `AwsV4Signer` configuration `awsFetch`, `presign`
 *    and `assumeRole` use: explicit service/region, bounded key cache, injected time, aws4fetch's default
 *    `allHeaders: false` and double path encoding for non-S3 services). Cases it cannot pass, and why:
 *    - `headers-joined`: WHATWG `Headers` joins repeated values with ", " before any signer sees them; SigV4
 *      wants "," (a limit of every fetch-based signer).
 *    - `not-representable`: WHATWG `Headers` refuses values containing a newline; such a request cannot even be
 *      built with fetch.
 *    - `double-encoded-path`: the suites' service expects the path encoded once; fedkit (like aws4fetch and the
 *      AWS SDKs by default) encodes non-S3 paths twice, as real AWS services other than S3 verify them.
 *    - `content-type-unsigned`: aws4fetch leaves `content-type` out of the signed headers (proxies rewrite it);
 *      the suites sign it.
 * 2. **aws4fetch's algorithm with the suites' switches** (`allHeaders`, `singleEncode`), which fedkit never sets:
 *    here the encoding and header gaps above close, and one opens: with `singleEncode` aws4fetch does not encode
 *    `$` in paths (`%24` expected, botocore's get-special-character). fedkit's configuration encodes it (run 1
 *    passes that case).
 * Checked both ways: each listed case must fail (for its stated reason), every other must pass.
 */
type Gap =
  | "headers-joined"
  | "not-representable"
  | "double-encoded-path"
  | "content-type-unsigned"
  | "dollar-unencoded";

const FEDKIT_GAPS: Record<string, Gap> = {
  "get-header-key-duplicate": "headers-joined",
  "get-header-value-order": "headers-joined",
  "get-header-value-multiline": "not-representable",
  "get-utf8": "double-encoded-path",
  "get-space": "double-encoded-path",
  "post-x-www-form-urlencoded": "content-type-unsigned",
  "post-x-www-form-urlencoded-parameters": "content-type-unsigned",
};

const SUITE_MODE_GAPS: Record<string, Gap> = {
  "get-header-key-duplicate": "headers-joined",
  "get-header-value-order": "headers-joined",
  "get-header-value-multiline": "not-representable",
  "get-special-character": "dollar-unencoded",
};

type Mode = "fedkit" | "suite";

async function sign(e: Entry, mode: Mode): Promise<{ authorization: string; canonical: string }> {
  const headers = new Headers();
  for (const [k, v] of e.request.headers) headers.append(k, v);
  const placement = e.sessionTokenPlacement ?? "";
  const input = {
    method: e.request.method,
    url: e.request.url,
    headers,
    body: e.request.body,
    accessKeyId: e.credentials.accessKeyId,
    secretAccessKey: e.credentials.secretAccessKey,
    // "signed": the signer adds and signs the token (unless the request already carries it);
    // "after-signing": the token is attached after the signature, so the signer must not see it.
    ...(placement.startsWith("signed") && !headers.has("x-amz-security-token") && e.credentials.sessionToken
      ? { sessionToken: e.credentials.sessionToken }
      : {}),
    service: e.service,
    region: e.region,
    datetime: e.date,
  };
  const signer =
    mode === "fedkit"
      ? createSigner({ ...input, cache: new BoundedMap(4) })
      : new AwsV4Signer({ ...input, allHeaders: true, singleEncode: true });
  return { authorization: await signer.authHeader(), canonical: await signer.canonicalString() };
}

/** The canonical request's path line (line 2). */
const pathLine = (canonical: string) => canonical.split("\n")[1];

async function expectGap(e: Entry, mode: Mode, gap: Gap): Promise<void> {
  const result = await sign(e, mode).catch((err: unknown) => err as Error);
  if (gap === "not-representable") {
    expect(result).toBeInstanceOf(TypeError);
    return;
  }
  const { authorization, canonical } = result as { authorization: string; canonical: string };
  expect(authorization).not.toBe(e.expected.authorization);
  const expectedPath = pathLine(e.expected.canonicalRequest) ?? "";
  if (gap === "double-encoded-path") {
    expect(pathLine(canonical)).toBe(expectedPath.replace(/%/g, "%25"));
  } else if (gap === "content-type-unsigned") {
    expect(e.expected.canonicalRequest).toMatch(/^content-type:/m);
    expect(canonical).not.toMatch(/^content-type:/m);
  } else if (gap === "dollar-unencoded") {
    expect(expectedPath).toContain("%24");
    expect(pathLine(canonical)).toContain("$");
  } else {
    expect(canonical).toMatch(/^my-header1:.*, /m);
  }
}

oracleSuite("aws-sigv4", { describe, it }, (dir) => {
  const entries: Entry[] = JSON.parse(readFileSync(join(dir, "sigv4-testsuite.json"), "utf8"));

  it("has the 65 entries SOURCE.md describes", () => {
    expect(entries).toHaveLength(65);
  });

  const runs: [Mode, string, Record<string, Gap>, { passed: number; knownGaps: number }][] = [
    [
      "fedkit",
      "fedkit's signer (createSigner: aws4fetch as awsFetch/assumeRole use it)",
      FEDKIT_GAPS,
      { passed: 51, knownGaps: 14 },
    ],
    [
      "suite",
      "aws4fetch with the suites' switches (allHeaders, singleEncode)",
      SUITE_MODE_GAPS,
      { passed: 58, knownGaps: 7 },
    ],
  ];
  for (const [mode, title, gaps, expected] of runs) {
    describe(title, () => {
      const outcomes = { passed: 0, knownGaps: 0 };
      for (const e of entries) {
        const gap = gaps[e.name];
        const label = `${e.suite.startsWith("botocore") ? "botocore" : "aws-2015"} ${e.name}`;
        if (gap) {
          it(`${label}: known gap (${gap})`, async () => {
            await expectGap(e, mode, gap);
            outcomes.knownGaps++;
          });
        } else {
          it(`${label}: canonical request and signature match`, async () => {
            const { authorization, canonical } = await sign(e, mode);
            expect(canonical).toBe(e.expected.canonicalRequest);
            expect(authorization).toBe(e.expected.authorization);
            outcomes.passed++;
          });
        }
      }
      it(`ran every case (${expected.passed} pass, ${expected.knownGaps} known gaps)`, () => {
        expect(outcomes).toEqual(expected);
      });
    });
  }
});
