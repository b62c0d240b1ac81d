/**
 * AWS Signature Version 4, header and presigned-URL forms, on core's synchronous SHA-256 and HMAC: only what fedkit
 * sends. Service and region are always passed (never guessed from the host), the signing time comes from the
 * injected clock, and derived signing keys are kept in a bounded cache the caller owns (a warm request hashes its
 * canonical request and computes one HMAC, both synchronously). Paths are encoded once for S3 and twice for every
 * other service, as AWS verifies them; `content-type` is signed (as the AWS SDKs sign it), hop-by-hop and
 * proxy-rewritten headers are not.
 *
 * @packageDocumentation
 */
import { hmacSha256, sha256, sha256Hex, toHex, utf8 } from "@fedkit/core/provider";

/** What {@link signV4} signs, and with what. @internal */
export interface SignerInput {
  readonly method: string;
  readonly url: string | URL;
  readonly headers?: HeadersInit;
  /** The payload; a stream is only accepted with a declared `x-amz-content-sha256` header. */
  readonly body?: string | ArrayBuffer | ArrayBufferView | ReadableStream | null;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
  /** The signing name, never guessed from the host. */
  readonly service: string;
  /** The signing region, never guessed and never defaulted. */
  readonly region: string;
  /** Derived signing keys by secret, day, region and service; a {@link BoundedMap} in fedkit. */
  readonly cache: SigningKeyCache;
  /** `X-Amz-Date` from the injected clock (see {@link amzDate}). */
  readonly datetime: string;
  /** Sign in the query string (a presigned URL, `X-Amz-Expires` already set) instead of `Authorization`. */
  readonly signQuery?: boolean;
}

/** A signed request: the URL (query-signed for presign) and headers to send. @internal */
export interface SignedRequest {
  readonly url: URL;
  readonly headers: Headers;
  /** The canonical request that was signed (for conformance tests and debugging; holds no secret). */
  readonly canonicalRequest: string;
}

// Never signed: set or rewritten by the transport and proxies after signing.
const UNSIGNED = new Set([
  "authorization",
  "connection",
  "content-length",
  "expect",
  "presigned-expires",
  "range",
  "user-agent",
  "x-amzn-trace-id",
]);

/** RFC 3986 unreserved characters stay; every other UTF-8 byte becomes `%XX`. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** S3 signs each key segment as it names the object; other services sign the sent path encoded again. */
function canonicalPath(path: string, service: string): string {
  if (service === "s3")
    return path
      .split("/")
      .map((s) => encode(decode(s)))
      .join("/");
  const segments = path.split("/").filter((s) => s !== "");
  const trailing = segments.length > 0 && path.endsWith("/") ? "/" : "";
  return `/${segments.map(encode).join("/")}${trailing}`;
}

function canonicalQuery(params: URLSearchParams): string {
  const pairs: string[][] = [];
  for (const [name, value] of params) pairs.push([encode(name), encode(value)]);
  pairs.sort(([a = "", x = ""], [b = "", y = ""]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  return pairs.map(([name, value]) => `${name}=${value}`).join("&");
}

/** Derived signing keys by secret, day, region and service, as bytes; a {@link BoundedMap} in fedkit. @internal */
export type SigningKeyCache = Map<string, Uint8Array>;

const HMAC = { name: "HMAC", hash: "SHA-256" } as const;

async function webHmac(key: Uint8Array, data: string): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey("raw", key as Uint8Array<ArrayBuffer>, HMAC, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, utf8(data) as Uint8Array<ArrayBuffer>));
}

// A new key (an isolate's first request, a new secret or day) is derived with WebCrypto: the script hash runs
// interpreted until it is warm, and costs a fresh isolate ~1.5 ms more than WebCrypto's native ops (Deno 2.9). The
// requests that find their key cached hash and sign synchronously: in Deno each WebCrypto call is an async op that
// costs more than hashing a canonical request (docs/aws.md, "Signing cost").
async function deriveSigningKey(input: SignerInput, day: string): Promise<Uint8Array> {
  let key = utf8(`AWS4${input.secretAccessKey}`);
  for (const part of [day, input.region, input.service, "aws4_request"]) key = await webHmac(key, part);
  return key;
}

const EMPTY_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
// Above this, WebCrypto's native digest beats the script one despite its async hop (Deno 2.9: even at 1-2 KiB,
// WebCrypto ahead from 4 KiB).
const SYNC_HASH_LIMIT = 1024;

const hashHex = (bytes: Uint8Array): Promise<string> | string =>
  bytes.length <= SYNC_HASH_LIMIT ? toHex(sha256(bytes)) : sha256Hex(bytes);

function payloadHash(body: SignerInput["body"]): Promise<string> | string {
  if (body === undefined || body === null || body === "") return EMPTY_HASH;
  if (typeof body === "string") return hashHex(utf8(body));
  if (body instanceof ReadableStream)
    throw new TypeError("a streamed body needs its hash in the x-amz-content-sha256 header");
  const view = ArrayBuffer.isView(body) ? body : new Uint8Array(body);
  return hashHex(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
}

/**
 * Signs a request with SigV4: `Authorization`, `X-Amz-Date`, `X-Amz-Security-Token` (and S3's
 * `X-Amz-Content-Sha256`) headers, or the same in the query string with `signQuery`.
 *
 * @example
 * ```ts
 * const { url, headers } = await signV4({
 *   method: "GET", url: "https://my-bucket.s3.eu-west-1.amazonaws.com/a.txt", service: "s3", region: "eu-west-1",
 *   accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken,
 *   cache: new BoundedMap(4), datetime: amzDate(Date.now()),
 * });
 * ```
 * @internal
 */
export async function signV4(input: SignerInput): Promise<SignedRequest> {
  const { service, region, datetime, signQuery } = input;
  if (!service || !region) throw new TypeError("signing needs an explicit service and region");
  const url = new URL(input.url);
  const headers = new Headers(input.headers);
  const day = datetime.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const token = input.sessionToken;
  let hash = headers.get("x-amz-content-sha256");
  if (hash === null) {
    hash = signQuery && service === "s3" ? "UNSIGNED-PAYLOAD" : await payloadHash(input.body);
    if (service === "s3" && !signQuery) headers.set("x-amz-content-sha256", hash);
  }
  if (!signQuery) {
    headers.set("x-amz-date", datetime);
    if (token && !headers.has("x-amz-security-token")) headers.set("x-amz-security-token", token);
  }
  const names = ["host"];
  for (const name of headers.keys()) if (!UNSIGNED.has(name) && name !== "host") names.push(name);
  names.sort();
  let canonicalHeaders = "";
  for (const name of names) {
    const value = name === "host" ? url.host : (headers.get(name) ?? "");
    canonicalHeaders += `${name}:${value.trim().replace(/\s+/g, " ")}\n`;
  }
  const signedHeaders = names.join(";");
  const query = url.searchParams;
  if (signQuery) {
    query.set("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    query.set("X-Amz-Credential", `${input.accessKeyId}/${scope}`);
    query.set("X-Amz-Date", datetime);
    query.set("X-Amz-SignedHeaders", signedHeaders);
    if (token) query.set("X-Amz-Security-Token", token);
  }
  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalPath(url.pathname, service),
    canonicalQuery(query),
    canonicalHeaders,
    signedHeaders,
    hash,
  ].join("\n");
  const keyId = `${input.secretAccessKey}\n${day}\n${region}\n${service}`;
  const key = input.cache.get(keyId);
  let signature: string;
  if (key) {
    const stringToSign = `AWS4-HMAC-SHA256\n${datetime}\n${scope}\n${toHex(sha256(utf8(canonicalRequest)))}`;
    signature = toHex(hmacSha256(key, utf8(stringToSign)));
  } else {
    const derived = await deriveSigningKey(input, day);
    input.cache.set(keyId, derived);
    const stringToSign = `AWS4-HMAC-SHA256\n${datetime}\n${scope}\n${await sha256Hex(canonicalRequest)}`;
    signature = toHex(await webHmac(derived, stringToSign));
  }
  if (signQuery) query.set("X-Amz-Signature", signature);
  else
    headers.set(
      "authorization",
      `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    );
  return { url, headers, canonicalRequest };
}

/**
 * A `Map` that keeps at most `max` entries, dropping the least recently used: derived keys are per secret, so an
 * unbounded map would keep every rotated secret's.
 *
 * @example
 * ```ts
 * const keys = new BoundedMap<string, Uint8Array>(16);
 * ```
 * @internal
 */
export class BoundedMap<K, V> extends Map<K, V> {
  readonly max: number;
  constructor(max: number) {
    super();
    if (!Number.isInteger(max) || max < 1)
      throw new TypeError("the key cache size must be a positive integer");
    this.max = max;
  }
  override get(key: K): V | undefined {
    const value = super.get(key);
    if (value !== undefined) {
      super.delete(key);
      super.set(key, value);
    }
    return value;
  }
  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.max) super.delete(this.keys().next().value as K);
    return this;
  }
}

/**
 * `20150830T123600Z` for a time in ms, as SigV4's `X-Amz-Date` wants it.
 *
 * @example
 * ```ts
 * amzDate(Date.UTC(2015, 7, 30, 12, 36)); // "20150830T123600Z"
 * ```
 * @internal
 */
export function amzDate(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Requests come in bursts: one Date and one regex per second instead of per request.
  if (second !== lastSecond) {
    lastStamp = new Date(second * 1000).toISOString().replace(/[:-]|\.\d{3}/g, "");
    lastSecond = second;
  }
  return lastStamp;
}
let lastSecond = Number.NaN;
let lastStamp = "";
