/// <reference types="node" />
/**
 * The verifier accepts exactly what each AWS service family signs, with no alternative forms: non-S3 paths are
 * normalised and encoded twice, S3 paths are raw and encoded once, header lines are joined with "," and never split.
 * Runs without the oracle folder (sigv4-oracle.test.ts checks the same rules against AWS's own suite).
 */
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { verifySigV4 } from "../../src/aws/sigv4.js";
import { Sha256 } from "../s3-support.js";

const NOW = Date.UTC(2025, 0, 15, 10, 0, 0);
const KEY = { accessKeyId: "AKIDSTRICT", secretAccessKey: "strict-secret" };
const lookup = (id: string) => (id === KEY.accessKeyId ? KEY : undefined);
const HOST = "127.0.0.1:4566";

/** Signs `path` (as it goes on the wire) the way the AWS SDK signs `service`, or encoding the path once. */
async function signed(
  service: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  encodeTwice = service !== "s3",
) {
  const signer = new SignatureV4({
    service,
    region: "us-east-1",
    credentials: KEY,
    sha256: Sha256,
    uriEscapePath: encodeTwice,
  });
  const request = await signer.sign(
    {
      method,
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 4566,
      path,
      query: {},
      headers: {
        host: HOST,
        ...(service === "s3" ? { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } : {}),
        ...headers,
      },
    },
    { signingDate: new Date(NOW) },
  );
  return request.headers as Record<string, string>;
}

/** Verifies as the listener does: the parsed `Request` plus the raw request-target and header lines. */
function verify(
  service: string,
  method: string,
  target: string,
  lines: Array<[string, string]>,
  options: { raw?: boolean } = {},
) {
  const headers = new Headers();
  for (const [name, value] of lines) headers.append(name, value);
  const request = new Request(`http://${HOST}${target}`, { method, headers });
  return verifySigV4(request, new Uint8Array(), lookup, {
    now: () => NOW,
    service,
    ...(options.raw === false ? {} : { requestTarget: target, rawHeaders: lines }),
  });
}

const lines = (headers: Record<string, string>) => Object.entries(headers) as Array<[string, string]>;

describe("SigV4 paths, per service family", () => {
  it("non-S3: the SDK's double-encoded signature is accepted, a once-encoded one is refused", async () => {
    const twice = await signed("sts", "GET", "/a%20b/");
    expect((await verify("sts", "GET", "/a%20b/", lines(twice))).ok).toBe(true);
    const once = await signed("sts", "GET", "/a%20b/", {}, false);
    expect(await verify("sts", "GET", "/a%20b/", lines(once))).toMatchObject({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("non-S3: dot segments are removed before signing, on both sides", async () => {
    const headers = await signed("sts", "GET", "/x/../y/./z");
    expect((await verify("sts", "GET", "/x/../y/./z", lines(headers))).ok).toBe(true);
  });

  it("S3: a key with dot segments is signed and verified as sent, not resolved", async () => {
    const headers = await signed("s3", "GET", "/bucket/a/../b.txt");
    expect((await verify("s3", "GET", "/bucket/a/../b.txt", lines(headers))).ok).toBe(true);
    // What a WHATWG-parsed URL alone would verify (`/bucket/b.txt`) is another request.
    expect(await verify("s3", "GET", "/bucket/a/../b.txt", lines(headers), { raw: false })).toMatchObject({
      ok: false,
      reason: "signature_mismatch",
    });
  });

  it("S3: the path is encoded once, so a double-encoded signature is refused", async () => {
    const twice = await signed("s3", "GET", "/bucket/a%20b.txt", {}, true);
    expect(await verify("s3", "GET", "/bucket/a%20b.txt", lines(twice))).toMatchObject({
      ok: false,
      reason: "signature_mismatch",
    });
  });
});

describe("SigV4 headers: joined, never split", () => {
  it("two header lines verify as `a,b`; one line `a, b` is another value", async () => {
    const headers = await signed("sts", "GET", "/", { "x-fedkit-test": "a,b" });
    const { "x-fedkit-test": _, ...rest } = headers;
    const twoLines: Array<[string, string]> = [
      ...lines(rest),
      ["X-Fedkit-Test", "a"],
      ["X-Fedkit-Test", "b"],
    ];
    expect((await verify("sts", "GET", "/", twoLines)).ok).toBe(true);
    const oneLine: Array<[string, string]> = [...lines(rest), ["X-Fedkit-Test", "a, b"]];
    expect(await verify("sts", "GET", "/", oneLine)).toMatchObject({
      ok: false,
      reason: "signature_mismatch",
    });
  });
});
