// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${...} in plain strings.
/// <reference types="node" />
/**
 * The emulator's S3 driven by the official AWS SDK v3 S3 client (its own SigV4 signer), with role sessions put into
 * the emulator's state: what S3 allows works, and every kind of bad request is refused with S3's error.
 */
import { createHash } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import { AwsClient } from "aws4fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsSession, type Emulator, type PolicyDocument, startEmulator } from "../src/index.js";
import { addRoleSession, rawRequest, Sha256 } from "./s3-support.js";

const clock = { offset: 0, now: () => Date.now() + clock.offset };
let emulator: Emulator;
let roleArn: string;

/** The per-user permission policy a fedkit user writes: each user's prefix via a principal tag, no session policy. */
const userScoped: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
      Resource: "arn:aws:s3:::media/users/${aws:PrincipalTag/user}/*",
    },
    {
      Effect: "Allow",
      Action: "s3:ListBucket",
      Resource: "arn:aws:s3:::media",
      Condition: { StringLike: { "s3:prefix": "users/${aws:PrincipalTag/user}/*" } },
    },
    { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::media/public/*" },
  ],
};

function addSession(user: string, extra: Partial<AwsSession> = {}): AwsSession {
  return addRoleSession(emulator, roleArn, user, clock.now() + 3600_000, extra);
}

function client(session: AwsSession, override: Partial<AwsSession> = {}): S3Client {
  const s = { ...session, ...override };
  return new S3Client({
    endpoint: emulator.urls.s3,
    forcePathStyle: true,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: {
      accessKeyId: s.accessKeyId,
      secretAccessKey: s.secretAccessKey,
      sessionToken: s.sessionToken,
    },
  });
}

/** The S3 error the SDK surfaces: its name (S3's code) and HTTP status. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(S3ServiceException);
    const e = error as S3ServiceException;
    return { name: e.name, status: e.$metadata.httpStatusCode, message: e.message };
  }
  throw new Error("the request was not refused");
}

beforeAll(async () => {
  emulator = await startEmulator(
    {
      aws: {
        buckets: [
          {
            name: "media",
            objects: {
              "users/alice/seed.txt": "alice's",
              "users/bob/seed.txt": "bob's",
              "public/hello.txt": "hello",
            },
          },
        ],
      },
    },
    { now: clock.now },
  );
  roleArn = emulator.aws.putRole({
    name: "app",
    trustPolicy: {
      Version: "2012-10-17",
      Statement: { Effect: "Allow", Principal: { AWS: "123456789012" }, Action: "sts:AssumeRole" },
    },
    permissionPolicies: [userScoped],
  }).arn;
});
afterAll(() => emulator?.stop());

describe("S3 with the AWS SDK v3 client", () => {
  it("PutObject, GetObject, HeadObject, ListObjectsV2 and DeleteObject work inside the policy", async () => {
    const s3 = client(addSession("alice"));
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: "media",
        Key: "users/alice/notes/a b+c.txt",
        Body: "hi there",
        ContentType: "text/plain",
      }),
    );
    expect(put.ETag).toBe(`"${createHash("md5").update("hi there").digest("hex")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/notes/a b+c.txt" }));
    expect(await got.Body!.transformToString()).toBe("hi there");
    expect(got.ContentType).toBe("text/plain");
    const head = await s3.send(new HeadObjectCommand({ Bucket: "media", Key: "users/alice/seed.txt" }));
    expect(head.ContentLength).toBe("alice's".length);
    const list = await s3.send(
      new ListObjectsV2Command({ Bucket: "media", Prefix: "users/alice/", Delimiter: "/" }),
    );
    expect(list.Contents?.map((c) => c.Key)).toEqual(["users/alice/seed.txt"]);
    expect(list.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["users/alice/notes/"]);
    await s3.send(new DeleteObjectCommand({ Bucket: "media", Key: "users/alice/notes/a b+c.txt" }));
    expect(emulator.state.aws.objects.get("media")!.has("users/alice/notes/a b+c.txt")).toBe(false);
    expect(
      await refusal(s3.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/notes/a b+c.txt" }))),
    ).toMatchObject({ name: "NoSuchKey", status: 404 });
  });

  it("paginates ListObjectsV2 with max-keys and continuation tokens", async () => {
    const s3 = client(addSession("carol"));
    for (const k of ["a", "b", "c", "d", "e"])
      await s3.send(new PutObjectCommand({ Bucket: "media", Key: `users/carol/${k}`, Body: k }));
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({
          Bucket: "media",
          Prefix: "users/carol/",
          MaxKeys: 2,
          ContinuationToken: token,
        }),
      );
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      keys.push(...(page.Contents ?? []).map((c) => c.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(keys).toEqual(["a", "b", "c", "d", "e"].map((k) => `users/carol/${k}`));
  });

  it("a tag-scoped permission policy keeps user A out of user B's prefix, without any session policy", async () => {
    const alice = client(addSession("alice"));
    expect(
      await (
        await alice.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/seed.txt" }))
      ).Body!.transformToString(),
    ).toBe("alice's");
    const denied = await refusal(
      alice.send(new GetObjectCommand({ Bucket: "media", Key: "users/bob/seed.txt" })),
    );
    expect(denied).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(denied.message).toContain('s3:GetObject on resource: "arn:aws:s3:::media/users/bob/seed.txt"');
    expect(
      await refusal(alice.send(new PutObjectCommand({ Bucket: "media", Key: "users/bob/x", Body: "x" }))),
    ).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(
      await refusal(alice.send(new ListObjectsV2Command({ Bucket: "media", Prefix: "users/bob/" }))),
    ).toMatchObject({ name: "AccessDenied", status: 403 });
    // A tag value that looks like a wildcard is literal text.
    const star = client(addSession("star", { tags: { user: "*" } }));
    expect(
      await refusal(star.send(new GetObjectCommand({ Bucket: "media", Key: "users/bob/seed.txt" }))),
    ).toMatchObject({ name: "AccessDenied" });
    // No tag at all: the variable does not resolve and the statement grants nothing.
    const untagged = client(addSession("nobody", { tags: {} }));
    expect(
      await refusal(untagged.send(new GetObjectCommand({ Bucket: "media", Key: "users//seed.txt" }))),
    ).toMatchObject({ name: "AccessDenied" });
  });

  it("a session policy narrows the role; an explicit deny wins", async () => {
    const narrowed = client(
      addSession("alice", {
        sessionPolicies: [
          {
            Version: "2012-10-17",
            Statement: { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::media/public/*" },
          },
        ],
      }),
    );
    expect(
      await refusal(narrowed.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/seed.txt" }))),
    ).toMatchObject({ name: "AccessDenied" });
    await expect(
      narrowed.send(new GetObjectCommand({ Bucket: "media", Key: "public/hello.txt" })),
    ).resolves.toBeDefined();
    const denied = client(
      addSession("alice", {
        sessionPolicies: [
          {
            Version: "2012-10-17",
            Statement: [
              { Effect: "Allow", Action: "s3:*", Resource: "*" },
              { Effect: "Deny", Action: "s3:GetObject", Resource: "*" },
            ],
          },
        ],
      }),
    );
    const refused = await refusal(
      denied.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/seed.txt" })),
    );
    expect(refused.message).toContain("explicit deny in a session policy");
  });

  it("refuses a tampered signature, a wrong token, a wrong secret, an unknown key, an expired session", async () => {
    const session = addSession("alice");
    const get = new GetObjectCommand({ Bucket: "media", Key: "users/alice/seed.txt" });
    const tampered = client(session);
    tampered.middlewareStack.add(
      (next) => async (args) => {
        const req = args.request as { headers: Record<string, string> };
        req.headers.authorization = req.headers.authorization!.replace(/.$/, (c) => (c === "0" ? "1" : "0"));
        return next(args);
      },
      { step: "deserialize", name: "tamper", priority: "low" },
    );
    expect(await refusal(tampered.send(get))).toMatchObject({ name: "SignatureDoesNotMatch", status: 403 });
    expect(await refusal(client(session, { sessionToken: "bogus" }).send(get))).toMatchObject({
      name: "InvalidToken",
      status: 400,
    });
    expect(await refusal(client(session, { secretAccessKey: "wrong" }).send(get))).toMatchObject({
      name: "SignatureDoesNotMatch",
      status: 403,
    });
    expect(await refusal(client(session, { accessKeyId: "ASIANOSUCHKEY0000000" }).send(get))).toMatchObject({
      name: "InvalidAccessKeyId",
      status: 403,
    });
    const expired = addSession("alice", { expiresAt: clock.now() - 1 });
    expect(await refusal(client(expired).send(get))).toMatchObject({ name: "ExpiredToken", status: 400 });
  });

  it("refuses a request more than 15 minutes skewed with RequestTimeTooSkewed", async () => {
    const s3 = client(addSession("alice", { expiresAt: Date.now() + 7200_000 }));
    clock.offset = 16 * 60_000;
    try {
      expect(
        await refusal(s3.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/seed.txt" }))),
      ).toMatchObject({ name: "RequestTimeTooSkewed", status: 403 });
      clock.offset = 14 * 60_000;
      await expect(
        s3.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/seed.txt" })),
      ).resolves.toBeDefined();
    } finally {
      clock.offset = 0;
    }
  });

  it("NoSuchKey only for callers who may list the bucket; NoSuchBucket", async () => {
    const alice = client(addSession("alice"));
    expect(
      await refusal(alice.send(new GetObjectCommand({ Bucket: "media", Key: "users/alice/missing" }))),
    ).toMatchObject({ name: "NoSuchKey", status: 404 });
    expect(
      await refusal(alice.send(new GetObjectCommand({ Bucket: "media", Key: "public/missing" }))),
    ).toMatchObject({ name: "AccessDenied", status: 403 });
    expect(
      await refusal(alice.send(new GetObjectCommand({ Bucket: "nope", Key: "users/alice/x" }))),
    ).toMatchObject({ name: "NoSuchBucket", status: 404 });
  });
});

describe("presigned URLs and virtual-host style", () => {
  it("a presigned GET (the SDK's signer, as @aws-sdk/s3-request-presigner uses it) works, then expires", async () => {
    const session = addSession("alice");
    const url = new URL(`${emulator.urls.s3}/media/users/alice/seed.txt`);
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
        port: Number(url.port),
        path: url.pathname,
        query: {},
        headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" },
      },
      { expiresIn: 60, unsignableHeaders: new Set(["x-amz-content-sha256"]) },
    );
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString();
    const link = `${url.origin}${presigned.path}?${query}`;
    const ok = await fetch(link);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("alice's");
    clock.offset = 61_000;
    try {
      const late = await fetch(link);
      expect(late.status).toBe(403);
      expect(await late.text()).toMatch(/<Code>AccessDenied<\/Code><Message>Request has expired<\/Message>/);
    } finally {
      clock.offset = 0;
    }
  });

  it("answers virtual-host style requests (Host: <bucket>.s3.<anything>) signed by aws4fetch", async () => {
    const session = addSession("alice");
    const port = new URL(emulator.urls.s3).port;
    const aws = new AwsClient({ ...session, service: "s3", region: "us-east-1", retries: 0 });
    const signed = await aws.sign(`http://media.s3.localhost:${port}/users/alice/seed.txt`, {
      method: "GET",
    });
    const { status, body } = await rawRequest(port, {
      path: "/users/alice/seed.txt",
      headers: { ...Object.fromEntries(signed.headers), host: `media.s3.localhost:${port}` },
    });
    expect({ status, body }).toEqual({ status: 200, body: "alice's" });
  });

  it("answers an unsigned request with S3's XML AccessDenied", async () => {
    const response = await fetch(`${emulator.urls.s3}/media/public/hello.txt`);
    expect(response.status).toBe(403);
    const text = await response.text();
    expect(text).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message><RequestId>[^<]+<\/RequestId>/,
    );
    expect(response.headers.get("x-amz-request-id")).toBeTruthy();
  });
});
