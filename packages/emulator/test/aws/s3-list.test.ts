import { describe, expect, it } from "vitest";
import { s3Target } from "../../src/aws/s3.js";
import { listObjects, readListParams } from "../../src/aws/s3-list.js";
import { S3Error } from "../../src/aws/s3-xml.js";
import type { S3Object } from "../../src/state.js";

const objects = new Map<string, S3Object>(
  ["a.txt", "docs/1", "docs/2", "docs/sub/3", "img/x.png", "img/y.png", "z"].map((k) => [
    k,
    { body: new TextEncoder().encode(k), contentType: "text/plain", etag: `"${k}"`, lastModified: 0 },
  ]),
);

function list(query: string) {
  const result = listObjects("b", objects, readListParams(new URLSearchParams(query))) as {
    Contents: { Key: string }[];
    CommonPrefixes: { Prefix: string }[];
    IsTruncated: boolean;
    NextContinuationToken?: string;
    KeyCount: number;
  };
  return {
    ...result,
    keys: result.Contents.map((c) => c.Key),
    prefixes: result.CommonPrefixes.map((p) => p.Prefix),
  };
}

describe("ListObjectsV2", () => {
  it.each([
    ["everything", "", ["a.txt", "docs/1", "docs/2", "docs/sub/3", "img/x.png", "img/y.png", "z"], []],
    ["a prefix", "prefix=docs/", ["docs/1", "docs/2", "docs/sub/3"], []],
    ["a delimiter groups common prefixes", "delimiter=/", ["a.txt", "z"], ["docs/", "img/"]],
    ["prefix and delimiter", "prefix=docs/&delimiter=/", ["docs/1", "docs/2"], ["docs/sub/"]],
    ["start-after", "start-after=img/x.png", ["img/y.png", "z"], []],
    ["a prefix matching nothing", "prefix=nope", [], []],
  ])("%s", (_n, query, keys, prefixes) => {
    const result = list(query);
    expect(result.keys).toEqual(keys);
    expect(result.prefixes).toEqual(prefixes);
    expect(result.IsTruncated).toBe(false);
    expect(result.KeyCount).toBe(keys.length + prefixes.length);
  });

  it("pages with max-keys; a common prefix counts once and is not repeated on the next page", () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = list(`delimiter=/&max-keys=1${token ? `&continuation-token=${token}` : ""}`);
      seen.push(...page.keys, ...page.prefixes);
      token = page.NextContinuationToken;
      expect(page.IsTruncated).toBe(token !== undefined);
      pages++;
    } while (token);
    expect(seen).toEqual(["a.txt", "docs/", "img/", "z"]);
    expect(pages).toBe(4);
  });

  it.each([
    ["max-keys=abc", "InvalidArgument"],
    ["encoding-type=base64", "InvalidArgument"],
    ["continuation-token=bm9wZQ", "InvalidArgument"],
  ])("refuses %s", (query, code) => {
    expect(() => list(query)).toThrow(S3Error);
    try {
      list(query);
    } catch (e) {
      expect((e as S3Error).code).toBe(code);
      expect((e as S3Error).status).toBe(400);
    }
  });

  it("url-encodes keys when encoding-type=url", () => {
    const special = new Map(objects);
    special.set("a b/ü", objects.get("z")!);
    const result = listObjects(
      "b",
      special,
      readListParams(new URLSearchParams("encoding-type=url&prefix=a")),
    ) as {
      Contents: { Key: string }[];
    };
    expect(result.Contents.map((c) => c.Key)).toEqual(["a%20b/%C3%BC", "a.txt"]);
  });
});

describe("s3Target", () => {
  it.each([
    [
      "path style",
      "http://127.0.0.1:1/media/users/a%20b/c.txt",
      undefined,
      { bucket: "media", key: "users/a b/c.txt" },
    ],
    ["path style bucket only", "http://127.0.0.1:1/media", undefined, { bucket: "media", key: "" }],
    ["path style bucket with slash", "http://127.0.0.1:1/media/", undefined, { bucket: "media", key: "" }],
    ["virtual host", "http://x/k%2Fy", "media.s3.localhost:4566", { bucket: "media", key: "k/y" }],
    [
      "virtual host, dotted bucket",
      "http://x/k",
      "my.bucket.s3.us-east-1.amazonaws.com",
      { bucket: "my.bucket", key: "k" },
    ],
    ["no bucket", "http://127.0.0.1:1/", undefined, undefined],
  ])("%s", (_n, url, host, expected) => {
    const request = new Request(url, host ? { headers: { host } } : {});
    expect(s3Target(request)).toEqual(expected);
  });
});
