/// <reference types="node" />
import { createHash, createHmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { AwsClient } from "aws4fetch";
import { describe, expect, it } from "vitest";
import { type SigV4Secret, verifySigV4 } from "../../src/aws/sigv4.js";

const toBytes = (d: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof d === "string"
    ? d
    : ArrayBuffer.isView(d)
      ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength)
      : new Uint8Array(d);

/** The hash the AWS SDK's signer asks for, on node:crypto. */
class Sha256 {
  readonly #h: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#h = secret ? createHmac("sha256", toBytes(secret)) : createHash("sha256");
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.#h.update(toBytes(data));
  }
  async digest() {
    return new Uint8Array(this.#h.digest());
  }
  reset() {}
}

const NOW = Date.UTC(2025, 0, 15, 10, 0, 0);
const KEY = { accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret/KEY+1", sessionToken: "token-abc" };
const secrets = new Map<string, SigV4Secret>([[KEY.accessKeyId, { ...KEY, expiresAt: NOW + 3600_000 }]]);
const lookup = (id: string) => secrets.get(id);
const HOST = "127.0.0.1:4566";

function signer(service: string, uriEscapePath = service !== "s3") {
  return new SignatureV4({
    service,
    region: "us-east-1",
    credentials: KEY,
    sha256: Sha256,
    uriEscapePath,
    applyChecksum: true,
  });
}

type SdkRequest = Parameters<SignatureV4["sign"]>[0];
function sdkRequest(method: string, path: string, query: Record<string, string> = {}, body = ""): SdkRequest {
  return {
    method,
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 4566,
    path,
    query,
    headers: { host: HOST, ...(body ? { "content-type": "text/plain" } : {}) },
    ...(body ? { body } : {}),
  } as SdkRequest;
}

/** Presigns as `@aws-sdk/s3-request-presigner` does: the payload is declared UNSIGNED-PAYLOAD, not sent. */
async function presignS3(r: SdkRequest, expiresIn: number, date = NOW): Promise<SdkRequest> {
  r.headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
  const presigned = await signer("s3").presign(r, {
    signingDate: new Date(date),
    expiresIn,
    unsignableHeaders: new Set(["x-amz-content-sha256"]),
  });
  delete presigned.headers["x-amz-content-sha256"];
  return presigned;
}

function toRequest(r: SdkRequest, body = ""): Request {
  const q = Object.entries(r.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return new Request(`http://${HOST}${r.path}${q ? `?${q}` : ""}`, {
    method: r.method,
    headers: r.headers as Record<string, string>,
    ...(body ? { body } : {}),
  });
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe("verifySigV4 with the AWS SDK's own signer", () => {
  it("accepts an S3 header-signed PUT with a key that needs encoding", async () => {
    const path = `/bucket/${"dir/a b+c$(1)*'!~.txt"
      .split("/")
      .map((s) =>
        encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
      )
      .join("/")}`;
    const signed = await signer("s3").sign(sdkRequest("PUT", path, {}, "hello"), {
      signingDate: new Date(NOW),
    });
    const result = await verifySigV4(toRequest(signed, "hello"), bytes("hello"), lookup, {
      now: () => NOW,
      service: "s3",
      region: "us-east-1",
    });
    expect(result).toMatchObject({
      ok: true,
      accessKeyId: KEY.accessKeyId,
      presigned: false,
      scope: { service: "s3" },
    });
  });

  it("accepts an STS request whose path the SDK double-encodes", async () => {
    const signed = await signer("sts").sign(sdkRequest("POST", "/a%20b/", { Action: "GetCallerIdentity" }), {
      signingDate: new Date(NOW),
    });
    const result = await verifySigV4(toRequest(signed), bytes(""), lookup, {
      now: () => NOW,
      service: "sts",
    });
    expect(result.ok).toBe(true);
  });

  it("accepts an S3 presigned URL until it expires, then answers AccessDenied", async () => {
    const presigned = await presignS3(sdkRequest("GET", "/bucket/k%20y", { "list-type": "2 x" }), 60);
    const request = () => toRequest(presigned);
    const opts = (now: number) => ({ now: () => now, service: "s3", region: "us-east-1" });
    expect(await verifySigV4(request(), bytes(""), lookup, opts(NOW + 59_000))).toMatchObject({
      ok: true,
      presigned: true,
    });
    expect(await verifySigV4(request(), bytes(""), lookup, opts(NOW + 61_000))).toMatchObject({
      ok: false,
      reason: "presign_expired",
      code: "AccessDenied",
      status: 403,
      message: "Request has expired",
    });
    expect(await verifySigV4(request(), bytes(""), lookup, opts(NOW - 16 * 60_000))).toMatchObject({
      ok: false,
      reason: "presign_not_yet_valid",
    });
  });

  it("refuses a presigned URL with a tampered query or an expiry over a week", async () => {
    const presigned = await presignS3(sdkRequest("GET", "/bucket/k"), 60);
    const url = toRequest(presigned).url;
    const tampered = new Request(url.replace("/bucket/k", "/bucket/other"));
    expect(await verifySigV4(tampered, bytes(""), lookup, { now: () => NOW, service: "s3" })).toMatchObject({
      reason: "signature_mismatch",
      code: "SignatureDoesNotMatch",
    });
    const week = new Request(url.replace("X-Amz-Expires=60", "X-Amz-Expires=604801"));
    expect(await verifySigV4(week, bytes(""), lookup, { now: () => NOW, service: "s3" })).toMatchObject({
      reason: "invalid_expires",
      code: "AuthorizationQueryParametersError",
      status: 400,
    });
  });
});

describe("verifySigV4 with aws4fetch", () => {
  const client = new AwsClient({ ...KEY, service: "s3", region: "us-east-1", retries: 0 });
  it("accepts header-signed and presigned S3 requests", async () => {
    const datetime = new Date(NOW).toISOString().replace(/[:-]|\.\d{3}/g, "");
    const header = await client.sign(`http://${HOST}/bucket/some%20key`, {
      method: "GET",
      aws: { datetime },
    });
    expect(await verifySigV4(header, bytes(""), lookup, { now: () => NOW, service: "s3" })).toMatchObject({
      ok: true,
    });
    const query = await client.sign(`http://${HOST}/bucket/some%20key?X-Amz-Expires=300`, {
      method: "GET",
      aws: { signQuery: true, datetime },
    });
    expect(await verifySigV4(query, bytes(""), lookup, { now: () => NOW, service: "s3" })).toMatchObject({
      ok: true,
      presigned: true,
    });
  });
});

describe("verifySigV4 failures map to AWS's codes", () => {
  const signS3 = async (extra: Partial<SdkRequest> = {}, date = NOW, body = "") => {
    const signed = await signer("s3").sign(
      { ...sdkRequest("PUT", "/bucket/k", {}, body), ...extra },
      { signingDate: new Date(date) },
    );
    return toRequest(signed, body);
  };
  const s3 = { now: () => NOW, service: "s3", region: "us-east-1" };

  it.each([
    [
      "missing auth (S3)",
      () => new Request(`http://${HOST}/b/k`),
      s3,
      { reason: "missing_authentication", code: "AccessDenied", status: 403 },
    ],
    [
      "missing auth (STS)",
      () => new Request(`http://${HOST}/`),
      { service: "sts" },
      { code: "MissingAuthenticationToken", status: 403 },
    ],
    [
      "unsupported algorithm",
      () => new Request(`http://${HOST}/b/k`, { headers: { authorization: "AWS AKID:sig" } }),
      s3,
      { reason: "unsupported_algorithm", code: "AuthorizationHeaderMalformed", status: 400 },
    ],
    [
      "malformed header",
      () =>
        new Request(`http://${HOST}/b/k`, { headers: { authorization: "AWS4-HMAC-SHA256 Credential=x" } }),
      s3,
      { reason: "malformed_authorization", status: 400 },
    ],
  ] as const)("%s", async (_n, make, options, expected) => {
    expect(await verifySigV4(make(), bytes(""), lookup, options)).toMatchObject({ ok: false, ...expected });
  });

  it("RequestTimeTooSkewed beyond 15 minutes, not within", async () => {
    expect(await verifySigV4(await signS3({}, NOW - 14 * 60_000), bytes(""), lookup, s3)).toMatchObject({
      ok: true,
    });
    expect(await verifySigV4(await signS3({}, NOW + 16 * 60_000), bytes(""), lookup, s3)).toMatchObject({
      reason: "time_skewed",
      code: "RequestTimeTooSkewed",
      status: 403,
    });
    expect(
      await verifySigV4(await signS3({}, NOW - 16 * 60_000), bytes(""), lookup, { ...s3, service: "sts" }),
    ).toMatchObject({ code: "SignatureDoesNotMatch" });
  });

  it("InvalidAccessKeyId, InvalidToken, ExpiredToken", async () => {
    const request = await signS3();
    expect(await verifySigV4(request.clone(), bytes(""), () => undefined, s3)).toMatchObject({
      code: "InvalidAccessKeyId",
      status: 403,
    });
    expect(
      await verifySigV4(request.clone(), bytes(""), () => ({ ...KEY, sessionToken: "other" }), s3),
    ).toMatchObject({ code: "InvalidToken", status: 400 });
    expect(
      await verifySigV4(request.clone(), bytes(""), () => ({ ...KEY, expiresAt: NOW }), s3),
    ).toMatchObject({ code: "ExpiredToken", status: 400 });
  });

  it("a region the endpoint does not serve is AuthorizationHeaderMalformed naming both", async () => {
    const result = await verifySigV4(await signS3(), bytes(""), lookup, { ...s3, region: "eu-west-1" });
    expect(result).toMatchObject({ code: "AuthorizationHeaderMalformed", status: 400 });
    expect(!result.ok && result.message).toContain("the region 'us-east-1' is wrong; expecting 'eu-west-1'");
  });

  it("S3 wants x-amz-content-sha256 signed and equal to the body's hash", async () => {
    const good = await signS3({}, NOW, "data");
    expect(await verifySigV4(good.clone(), bytes("data"), lookup, s3)).toMatchObject({ ok: true });
    expect(await verifySigV4(good.clone(), bytes("datx"), lookup, s3)).toMatchObject({
      code: "XAmzContentSHA256Mismatch",
      status: 400,
    });
    const stripped = new Request(good.clone(), {
      headers: [...good.headers].filter(([n]) => n !== "x-amz-content-sha256"),
    });
    expect(await verifySigV4(stripped, bytes("data"), lookup, s3)).toMatchObject({
      code: "InvalidRequest",
      status: 400,
    });
  });

  it("an unsigned x-amz-* header is refused by S3", async () => {
    const good = await signS3();
    const headers = new Headers(good.headers);
    headers.set("x-amz-meta-extra", "1");
    expect(
      await verifySigV4(new Request(good.url, { method: "PUT", headers }), bytes(""), lookup, s3),
    ).toMatchObject({ reason: "headers_not_signed", code: "AccessDenied" });
  });

  it("SignatureDoesNotMatch carries the canonical request but never the secret or token", async () => {
    const result = await verifySigV4(
      await signS3(),
      bytes(""),
      () => ({ ...KEY, secretAccessKey: "wrong" }),
      s3,
    );
    expect(result).toMatchObject({ code: "SignatureDoesNotMatch", status: 403 });
    const text = JSON.stringify(result);
    expect(text).toContain("CanonicalRequest");
    expect(text).not.toContain("wrong");
    expect(result.ok === false && result.details?.CanonicalRequest).toMatch(/^PUT\n\/bucket\/k\n/);
  });
});
