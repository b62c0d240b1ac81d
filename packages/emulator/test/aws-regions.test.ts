/// <reference types="node" />
/**
 * Regions: a bucket lives in one; S3 redirects a request sent to another region's endpoint (301 PermanentRedirect)
 * and refuses one signed for another region (400 AuthorizationHeaderMalformed / AuthorizationQueryParametersError),
 * both with `x-amz-bucket-region`, before it looks at the credentials. A regional STS endpoint accepts only
 * signatures scoped to its region. Checked with the official SDK (which follows some of these answers itself).
 */
import { GetObjectCommand, HeadBucketCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsSession, type Emulator, startEmulator } from "../src/index.js";
import { addRoleSession, rawRequest, Sha256 } from "./s3-support.js";
import { parseXml } from "./xml.js";

let emulator: Emulator;
let session: AwsSession;
let port: string;

beforeAll(async () => {
  emulator = await startEmulator({
    aws: {
      buckets: [
        { name: "us-media", objects: { "a.txt": "from virginia" } },
        { name: "eu-media", region: "eu-west-1", objects: { "a.txt": "from ireland" } },
      ],
    },
  });
  const roleArn = emulator.aws.putRole({
    name: "reader",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Principal: { AWS: "123456789012" }, Action: "sts:AssumeRole" },
    },
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: { Effect: "Allow", Action: ["s3:GetObject", "s3:ListBucket"], Resource: "*" },
      },
    ],
  }).arn;
  session = addRoleSession(emulator, roleArn, "r", Date.now() + 3600_000);
  port = new URL(emulator.urls.s3).port;
});
afterAll(() => emulator?.stop());

const s3 = (region: string, extra: { followRegionRedirects?: boolean } = {}) =>
  new S3Client({
    endpoint: emulator.urls.s3,
    forcePathStyle: true,
    region,
    maxAttempts: 1,
    credentials: session,
    ...extra,
  });

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3ServiceException);
  const e = error as S3ServiceException & { Region?: string };
  return {
    name: e.name,
    status: e.$metadata.httpStatusCode,
    message: e.message,
    bucketRegion: e.$response?.headers["x-amz-bucket-region"],
  };
}

/** Signs a request for `host` (a real AWS endpoint name) with smithy's signer and sends it to the loopback port. */
async function signedFor(
  host: string,
  region: string,
  service: string,
  path: string,
  options: { method?: string; body?: string; listener?: string } = {},
) {
  const signer = new SignatureV4({
    service,
    region,
    credentials: session,
    sha256: Sha256,
    uriEscapePath: service !== "s3",
  });
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { host };
  if (service === "s3") headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD";
  if (options.body) headers["content-type"] = "application/x-www-form-urlencoded";
  const signed = await signer.sign({
    method,
    protocol: "http:",
    hostname: host,
    path,
    query: {},
    headers,
    ...(options.body ? { body: options.body } : {}),
  });
  return rawRequest(options.listener ?? port, {
    method,
    path,
    headers: signed.headers as Record<string, string>,
    ...(options.body ? { body: options.body } : {}),
  });
}

describe("S3: a bucket answers only in its region", () => {
  it("the official SDK signing for the bucket's region works", async () => {
    const got = await s3("eu-west-1").send(new GetObjectCommand({ Bucket: "eu-media", Key: "a.txt" }));
    expect(await got.Body!.transformToString()).toBe("from ireland");
  });

  it("signed for another region: 400 AuthorizationHeaderMalformed naming the expected region", async () => {
    const error = await refusal(
      s3("us-east-1").send(new GetObjectCommand({ Bucket: "eu-media", Key: "a.txt" })),
    );
    expect(error).toMatchObject({
      name: "AuthorizationHeaderMalformed",
      status: 400,
      bucketRegion: "eu-west-1",
    });
    expect(error.message).toBe(
      "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
    );
  });

  it("the region error comes before the credentials are checked (as S3 lets clients discover a region)", async () => {
    const stranger = new S3Client({
      endpoint: emulator.urls.s3,
      forcePathStyle: true,
      region: "ap-south-1",
      maxAttempts: 1,
      credentials: { accessKeyId: "ASIANOBODY", secretAccessKey: "x", sessionToken: "y" },
    });
    const error = await refusal(stranger.send(new GetObjectCommand({ Bucket: "eu-media", Key: "a.txt" })));
    expect(error).toMatchObject({ name: "AuthorizationHeaderMalformed", bucketRegion: "eu-west-1" });
  });

  it("the SDK's followRegionRedirects follows HeadBucket's 400 but not GetObject's (as against real S3)", async () => {
    const client = s3("us-east-1", { followRegionRedirects: true });
    const head = await client.send(new HeadBucketCommand({ Bucket: "eu-media" }));
    expect(head.BucketRegion).toBe("eu-west-1");
    const error = await refusal(client.send(new GetObjectCommand({ Bucket: "eu-media", Key: "a.txt" })));
    expect(error.name).toBe("AuthorizationHeaderMalformed");
  });

  it("sent to another region's endpoint: 301 PermanentRedirect with the endpoint and x-amz-bucket-region", async () => {
    for (const [host, path] of [
      ["s3.us-east-1.amazonaws.com", "/eu-media/a.txt"],
      ["s3.amazonaws.com", "/eu-media/a.txt"],
      ["eu-media.s3.us-west-2.amazonaws.com", "/a.txt"],
      ["eu-media.s3-us-west-2.amazonaws.com", "/a.txt"],
    ] as const) {
      const response = await signedFor(host, "eu-west-1", "s3", path);
      expect(response.status, host).toBe(301);
      expect(response.headers["x-amz-bucket-region"], host).toBe("eu-west-1");
      const error = parseXml(response.body);
      const field = (name: string) => error.children.find((c) => c.name === name)?.text;
      expect(field("Code")).toBe("PermanentRedirect");
      expect(field("Endpoint")).toBe("eu-media.s3.eu-west-1.amazonaws.com");
      expect(field("Bucket")).toBe("eu-media");
    }
  });

  it("HEAD at the wrong endpoint: 301 with no body, the region in x-amz-bucket-region", async () => {
    const response = await signedFor("s3.us-east-1.amazonaws.com", "eu-west-1", "s3", "/eu-media", {
      method: "HEAD",
    });
    expect(response).toMatchObject({ status: 301, body: "" });
    expect(response.headers["x-amz-bucket-region"]).toBe("eu-west-1");
  });

  it("the bucket's own regional endpoint, signed for its region, answers", async () => {
    const path = await signedFor("s3.eu-west-1.amazonaws.com", "eu-west-1", "s3", "/eu-media/a.txt");
    expect(path).toMatchObject({ status: 200, body: "from ireland" });
    const virtual = await signedFor("eu-media.s3.eu-west-1.amazonaws.com", "eu-west-1", "s3", "/a.txt");
    expect(virtual).toMatchObject({ status: 200, body: "from ireland" });
  });

  it("a presigned URL for the wrong region: 400 AuthorizationQueryParametersError", async () => {
    const url = new URL(`${emulator.urls.s3}/eu-media/a.txt`);
    const signer = new SignatureV4({
      service: "s3",
      region: "us-east-1",
      credentials: session,
      sha256: Sha256,
      uriEscapePath: false,
    });
    const presigned = await signer.presign(
      {
        method: "GET",
        protocol: "http:",
        hostname: url.hostname,
        path: url.pathname,
        query: {},
        headers: { host: url.host },
      },
      { expiresIn: 60 },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const response = await fetch(`${url.origin}${presigned.path}?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amz-bucket-region")).toBe("eu-west-1");
    const error = parseXml(await response.text());
    expect(error.children.map((c) => [c.name, c.text]).slice(0, 3)).toEqual([
      ["Code", "AuthorizationQueryParametersError"],
      [
        "Message",
        "Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
      ],
      ["Region", "eu-west-1"],
    ]);
  });

  it("HeadBucket reports the bucket's region", async () => {
    const head = await s3("eu-west-1").send(new HeadBucketCommand({ Bucket: "eu-media" }));
    expect(head.BucketRegion).toBe("eu-west-1");
    const us = await s3("us-east-1").send(new HeadBucketCommand({ Bucket: "us-media" }));
    expect(us.BucketRegion).toBe("us-east-1");
  });
});

describe("STS: a regional endpoint answers for its region", () => {
  const body = "Action=GetCallerIdentity&Version=2011-06-15";
  const sts = (host: string, region: string) =>
    signedFor(host, region, "sts", "/", { method: "POST", body, listener: new URL(emulator.urls.sts).port });

  it("sts.<region>.amazonaws.com accepts a signature scoped to that region only", async () => {
    expect((await sts("sts.eu-west-1.amazonaws.com", "eu-west-1")).status).toBe(200);
    const wrong = await sts("sts.eu-west-1.amazonaws.com", "us-east-1");
    expect(wrong.status).toBe(403);
    expect(wrong.body).toContain("<Code>SignatureDoesNotMatch</Code>");
    expect(wrong.body).toContain(
      "<Message>Credential should be scoped to a valid region, not 'us-east-1'. </Message>",
    );
  });

  it("the global sts.amazonaws.com is us-east-1", async () => {
    expect((await sts("sts.amazonaws.com", "us-east-1")).status).toBe(200);
    expect((await sts("sts.amazonaws.com", "eu-west-1")).status).toBe(403);
  });

  it("the loopback endpoint, which names no region, answers for any", async () => {
    expect((await sts(new URL(emulator.urls.sts).host, "ap-southeast-2")).status).toBe(200);
  });
});
