/// <reference types="node" />
/**
 * S3 keys are literal: `.`/`..` segments, `//`, `%2e`, spaces, unicode and `+` name keys of their own. The official
 * SDK sends them as they are and signs the path without normalising it; the emulator must store, find and authorise
 * exactly the key named, and never reach another object through dot segments.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html ("Object key naming guidelines": `.` and
 * `..` segments are valid key names that some tools and URL parsers rewrite).
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsSession, type Emulator, startEmulator } from "../src/index.js";
import { addRoleSession } from "./s3-support.js";

let emulator: Emulator;
let writerArn: string;
let publicOnlyArn: string;

const KEYS = [
  "a/../b.txt",
  "./c.txt",
  "dir/./d.txt",
  "a//e.txt",
  "//f.txt",
  "%2e%2e/g.txt",
  "dir/%2E/h.txt",
  "sp ace/i j.txt",
  "ünï/cödé ✓.txt",
  "plus+sign=k.txt",
  "../../l.txt",
  "dir/..",
];

function client(session: AwsSession): S3Client {
  return new S3Client({
    endpoint: emulator.urls.s3,
    forcePathStyle: true,
    region: "us-east-1",
    maxAttempts: 1,
    credentials: session,
  });
}

beforeAll(async () => {
  emulator = await startEmulator({
    aws: { buckets: [{ name: "media", objects: { "b.txt": "the real b", "secret.txt": "top secret" } }] },
  });
  const trust = {
    Version: "2012-10-17",
    Statement: { Effect: "Allow", Principal: { AWS: "123456789012" }, Action: "sts:AssumeRole" },
  } as const;
  writerArn = emulator.aws.putRole({
    name: "writer",
    trustPolicy: trust,
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: "arn:aws:s3:::media/*" },
          { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::media" },
        ],
      },
    ],
  }).arn;
  publicOnlyArn = emulator.aws.putRole({
    name: "public-reader",
    trustPolicy: trust,
    permissionPolicies: [
      {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::media/public/*" },
          { Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::media" },
        ],
      },
    ],
  }).arn;
});
afterAll(() => emulator?.stop());

describe("S3 keys are literal (official SDK v3)", () => {
  it.each(KEYS)("stores and reads back exactly %j", async (key) => {
    const s3 = client(addRoleSession(emulator, writerArn, "w", Date.now() + 3600_000));
    await s3.send(new PutObjectCommand({ Bucket: "media", Key: key, Body: `body of ${key}` }));
    expect(emulator.state.aws.objects.get("media")!.has(key)).toBe(true);
    const got = await s3.send(new GetObjectCommand({ Bucket: "media", Key: key }));
    expect(await got.Body!.transformToString()).toBe(`body of ${key}`);
  });

  it("a key with `..` never reaches the object the resolved path would name", async () => {
    const s3 = client(addRoleSession(emulator, writerArn, "w", Date.now() + 3600_000));
    await s3.send(new PutObjectCommand({ Bucket: "media", Key: "x/../b.txt", Body: "literal" }));
    const literal = await s3.send(new GetObjectCommand({ Bucket: "media", Key: "x/../b.txt" }));
    expect(await literal.Body!.transformToString()).toBe("literal");
    const real = await s3.send(new GetObjectCommand({ Bucket: "media", Key: "b.txt" }));
    expect(await real.Body!.transformToString()).toBe("the real b");
  });

  it("ListObjectsV2 lists the keys as written", async () => {
    const s3 = client(addRoleSession(emulator, writerArn, "w", Date.now() + 3600_000));
    await s3.send(new PutObjectCommand({ Bucket: "media", Key: "list/../one", Body: "1" }));
    await s3.send(new PutObjectCommand({ Bucket: "media", Key: "list//two", Body: "2" }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "media", Prefix: "list/" }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(["list/../one", "list//two"]); // UTF-8 byte order: "." < "/";
  });

  it("attacker: a policy for public/* does not open secret.txt through public/../secret.txt", async () => {
    const s3 = client(addRoleSession(emulator, publicOnlyArn, "p", Date.now() + 3600_000));
    for (const key of ["public/../secret.txt", "public/%2e%2e/secret.txt", "public/./../secret.txt"]) {
      const error = await s3.send(new GetObjectCommand({ Bucket: "media", Key: key })).then(
        () => undefined,
        (e: unknown) => e,
      );
      // The literal key is inside public/* (allowed) and does not exist: NoSuchKey, never secret.txt's body.
      expect(error, key).toBeInstanceOf(S3ServiceException);
      expect((error as S3ServiceException).name, key).toBe("NoSuchKey");
    }
  });
});
