/**
 * ListObjectsV2: prefix, delimiter (common prefixes), max-keys, start-after, continuation tokens, url encoding.
 */
import type { S3Object } from "../state.js";
import { S3Error } from "./s3-xml.js";

/** The query parameters of ListObjectsV2 that shape the listing. @internal */
export interface ListParams {
  readonly prefix: string;
  readonly delimiter: string;
  readonly maxKeys: number;
  readonly startAfter: string;
  readonly continuationToken: string | undefined;
  readonly encodingType: "url" | undefined;
}

/** Reads and validates the parameters, as S3 does (`InvalidArgument` for a bad max-keys, token or encoding). */
export function readListParams(query: URLSearchParams): ListParams {
  const maxText = query.get("max-keys");
  if (maxText !== null && !/^\d+$/.test(maxText))
    throw new S3Error(400, "InvalidArgument", "Provided max-keys not an integer or within integer range", {
      ArgumentName: "max-keys",
      ArgumentValue: maxText,
    });
  const encoding = query.get("encoding-type");
  if (encoding !== null && encoding !== "url")
    throw new S3Error(400, "InvalidArgument", "Invalid Encoding Method specified in Request", {
      ArgumentName: "encoding-type",
      ArgumentValue: encoding,
    });
  return {
    prefix: query.get("prefix") ?? "",
    delimiter: query.get("delimiter") ?? "",
    maxKeys: Math.min(maxText === null ? 1000 : Number(maxText), 1000),
    startAfter: query.get("start-after") ?? "",
    continuationToken: query.get("continuation-token") ?? undefined,
    encodingType: encoding === "url" ? "url" : undefined,
  };
}

const encodeToken = (marker: string) => Buffer.from(`v1:${marker}`, "utf8").toString("base64url");

function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text.startsWith("v1:"))
    throw new S3Error(400, "InvalidArgument", "The continuation token provided is incorrect", {
      ArgumentName: "continuation-token",
    });
  return text.slice(3);
}

/** Builds the `ListBucketResult` fields of a listing. @internal */
export function listObjects(
  bucket: string,
  objects: Map<string, S3Object>,
  p: ListParams,
): Record<string, unknown> {
  const marker = p.continuationToken !== undefined ? decodeToken(p.continuationToken) : p.startAfter;
  // A marker that is a common prefix (ends with the delimiter) skips every key under it.
  const skipUnder =
    p.delimiter && marker.endsWith(p.delimiter) && p.continuationToken !== undefined ? marker : "";
  const keys = [...objects.keys()]
    .filter((k) => k.startsWith(p.prefix) && k > marker && !(skipUnder && k.startsWith(skipUnder)))
    .sort();
  const contents: Array<{ key: string; object: S3Object }> = [];
  const prefixes: string[] = [];
  let last = "";
  let truncated = false;
  for (const key of keys) {
    const rest = key.slice(p.prefix.length);
    const cut = p.delimiter ? rest.indexOf(p.delimiter) : -1;
    const common = cut === -1 ? undefined : p.prefix + rest.slice(0, cut + p.delimiter.length);
    if (common !== undefined && common === prefixes[prefixes.length - 1]) continue;
    if (contents.length + prefixes.length >= p.maxKeys) {
      truncated = true;
      break;
    }
    if (common !== undefined) {
      prefixes.push(common);
      last = common;
    } else {
      contents.push({ key, object: objects.get(key)! });
      last = key;
    }
  }
  const enc = (s: string) => (p.encodingType ? encodeURIComponent(s).replace(/%2F/g, "/") : s);
  return {
    Name: bucket,
    Prefix: enc(p.prefix),
    Delimiter: p.delimiter ? enc(p.delimiter) : undefined,
    MaxKeys: p.maxKeys,
    EncodingType: p.encodingType,
    KeyCount: contents.length + prefixes.length,
    IsTruncated: truncated,
    ContinuationToken: p.continuationToken,
    NextContinuationToken: truncated ? encodeToken(last) : undefined,
    StartAfter: p.startAfter ? enc(p.startAfter) : undefined,
    Contents: contents.map(({ key, object }) => ({
      Key: enc(key),
      LastModified: new Date(object.lastModified).toISOString(),
      ETag: object.etag,
      Size: object.body.byteLength,
      StorageClass: "STANDARD",
    })),
    CommonPrefixes: prefixes.map((prefix) => ({ Prefix: enc(prefix) })),
  };
}
