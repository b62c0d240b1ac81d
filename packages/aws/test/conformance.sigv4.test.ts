// fedkit's SigV4 signer (signV4, as awsFetch, presign and assumeRole call it) against AWS's SigV4 test suites (../shared/oracles/aws-sigv4).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { oracleSuite } from "@fedkit/test-support/oracles";
import { AwsV4Signer } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { BoundedMap, signV4 } from "../src/signing.js";

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
 * 1. **fedkit's signer** (`signV4`, exactly as `awsFetch`, `presign` and `assumeRole` call it: explicit
 *    service/region, bounded key cache, injected time, `content-type` signed, paths of non-S3 services encoded
 *    twice). Cases it cannot pass, and why:
 *    - `headers-joined`: WHATWG `Headers` joins repeated values with ", " before any signer sees them; SigV4
 *      wants "," (a limit of every fetch-based signer).
 *    - `not-representable`: WHATWG `Headers` refuses values containing a newline; such a request cannot even be
 *      built with fetch.
 *    - `double-encoded-path`: the suites' service expects the path encoded once; fedkit (like the AWS SDKs by
 *      default) encodes non-S3 paths twice, as real AWS services other than S3 (and the emulator) verify them.
 * 2. **aws4fetch's algorithm with the suites' switches** (`allHeaders`, `singleEncode`), which fedkit never sets:
 *    kept as the reference fedkit learned from (a dev dependency only): the path gap closes, and one opens: with `singleEncode` aws4fetch does not encode
 *    `$` in paths (`%24` expected, botocore's get-special-character). fedkit's configuration encodes it (run 1
 *    passes that case).
 * Checked both ways: each listed case must fail (for its stated reason), every other must pass.
 */
type Gap = "headers-joined" | "not-representable" | "double-encoded-path" | "dollar-unencoded";

const FEDKIT_GAPS: Record<string, Gap> = {
  "get-header-key-duplicate": "headers-joined",
  "get-header-value-order": "headers-joined",
  "get-header-value-multiline": "not-representable",
  "get-utf8": "double-encoded-path",
  "get-space": "double-encoded-path",
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
  if (mode === "fedkit") {
    // Twice: the first derives the key (WebCrypto), the second finds it cached (synchronous hash and HMAC).
    const cache = new BoundedMap<string, Uint8Array>(4);
    const derived = await signV4({ ...input, cache });
    const cached = await signV4({ ...input, cache });
    expect(cached.headers.get("authorization")).toBe(derived.headers.get("authorization"));
    expect(cached.canonicalRequest).toBe(derived.canonicalRequest);
    return { authorization: cached.headers.get("authorization") ?? "", canonical: cached.canonicalRequest };
  }
  const signer = new AwsV4Signer({ ...input, allHeaders: true, singleEncode: true });
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
  } else if (gap === "dollar-unencoded") {
    expect(expectedPath).toContain("%24");
    expect(pathLine(canonical)).toContain("$");
  } else {
    expect(canonical).toMatch(/^my-header1:.*, /m);
  }
}

/** The entry with one signed input altered: a signer that ignores it would still produce the expected signature. */
function tamperings(e: Entry): [string, Entry][] {
  const url = new URL(e.request.url);
  const out: [string, Entry][] = [
    ["method", { ...e, request: { ...e.request, method: e.request.method === "GET" ? "HEAD" : "PUT" } }],
    ["path", { ...e, request: { ...e.request, url: `${url.origin}${url.pathname}x${url.search}` } }],
    ["query", { ...e, request: { ...e.request, url: `${e.request.url}${url.search ? "&" : "?"}X=1` } }],
    ["body", { ...e, request: { ...e.request, body: `${e.request.body}x` } }],
    [
      "secret",
      { ...e, credentials: { ...e.credentials, secretAccessKey: `${e.credentials.secretAccessKey}x` } },
    ],
    ["date", { ...e, date: "20150830T123601Z" }],
    ["region", { ...e, region: "us-west-2" }],
    ["service", { ...e, service: "servicf" }],
  ];
  // Host is the URL's (fetch cannot set it); X-Amz-Date is the signing time, tampered above.
  for (const [name] of e.request.headers.filter(([n]) => !/^(host|x-amz-date)$/i.test(n))) {
    const headers = e.request.headers.map(([n, v]): [string, string] => [n, n === name ? `${v}x` : v]);
    out.push([`header ${name}`, { ...e, request: { ...e.request, headers } }]);
  }
  return out;
}

oracleSuite("aws-sigv4", { describe, it }, (dir) => {
  const entries: Entry[] = JSON.parse(readFileSync(join(dir, "sigv4-testsuite.json"), "utf8"));

  it("has the 65 entries SOURCE.md describes", () => {
    expect(entries).toHaveLength(65);
  });

  const runs: [Mode, string, Record<string, Gap>, { passed: number; knownGaps: number }][] = [
    [
      "fedkit",
      "fedkit's signer (signV4 as awsFetch/assumeRole use it)",
      FEDKIT_GAPS,
      { passed: 55, knownGaps: 10 },
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
          if (mode === "fedkit")
            it(`${label}: every tampered variant signs differently`, async () => {
              for (const [what, tampered] of tamperings(e)) {
                const { authorization } = await sign(tampered, mode);
                expect(authorization, what).not.toBe(e.expected.authorization);
              }
            });
        }
      }
      it(`ran every case (${expected.passed} pass, ${expected.knownGaps} known gaps)`, () => {
        expect(outcomes).toEqual(expected);
      });
    });
  }
});
