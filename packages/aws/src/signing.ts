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
  /** The target; a `URL` object is used (and for `signQuery` completed) in place, not copied. */
  readonly url: string | URL;
  /** The headers; a `Headers` object receives the signature headers in place, anything else is copied first. */
  readonly headers?: HeadersInit;
  /**
   * `headers` is known to be empty (core's `AuthorizeContext.headersEmpty`): it is not iterated. Iterating a
   * runtime's `Headers` builds a sorted list and an iterator even when there is nothing in it.
   */
  readonly headersEmpty?: boolean | undefined;
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

/** Derived signing keys by secret, day, region and service, as bytes; a {@link BoundedMap} in fedkit. @internal */
export type SigningKeyCache = Map<string, Uint8Array>;

// Never signed: set or rewritten by the transport and proxies after signing.
const UNSIGNED =
  /^(?:authorization|connection|content-length|expect|presigned-expires|range|user-agent|x-amzn-trace-id|host)$/;

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

/**
 * S3 signs each key segment as it names the object; other services sign the sent path encoded again (empty
 * segments dropped). A path of unreserved characters only (most) is its own canonical form.
 */
const canonicalPath = (path: string, service: string): string =>
  !/[^\w.~/-]/.test(path) && (service === "s3" || !path.includes("//"))
    ? path
    : service === "s3"
      ? path
          .split("/")
          .map((s) => encode(decode(s)))
          .join("/")
      : path.replace(/[^/]+/g, encode).replace(/\/{2,}/g, "/");

const HMAC = { name: "HMAC", hash: "SHA-256" } as const;

async function webHmac(key: Uint8Array, data: string): Promise<Uint8Array> {
  const imported = await crypto.subtle.importKey("raw", key as Uint8Array<ArrayBuffer>, HMAC, false, [
    "sign",
  ]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", imported, utf8(data) as Uint8Array<ArrayBuffer>));
}

const NO_HEADERS: [string, string][] = [];

/** The hash of an empty payload (every GET), computed once. */
let emptyHash: string | undefined;

function payloadHash(body: SignerInput["body"]): Promise<string> | string {
  if (body instanceof ReadableStream)
    throw new TypeError("a stream body needs its hash in x-amz-content-sha256");
  if (!body) {
    emptyHash ??= sha256("", "hex");
    return emptyHash;
  }
  const bytes =
    typeof body === "string"
      ? utf8(body)
      : ArrayBuffer.isView(body)
        ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
        : new Uint8Array(body);
  // Above 1 KiB, WebCrypto's native digest beats the script one despite its async hop (Deno 2.9: even at 1-2 KiB,
  // WebCrypto ahead from 4 KiB).
  return bytes.length > 1024 ? sha256Hex(bytes) : sha256(bytes, "hex");
}

/**
 * Signs a request with SigV4: `Authorization`, `X-Amz-Date`, `X-Amz-Security-Token` (and S3's
 * `X-Amz-Content-Sha256`) headers, or the same in the query string with `signQuery`. The signed request comes back
 * as is, not in a promise, when nothing needs WebCrypto (the derived key is cached and the payload is at most
 * 1 KiB: every warm GET); otherwise in a promise. A bad input rejects, never throws: `await` it either way.
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
export function signV4(input: SignerInput): SignedRequest | Promise<SignedRequest> {
  // Not async: in Deno an async function's promise and the caller's await cost a warm request more than its lines.
  try {
    const { service, signQuery } = input;
    if (!service || !input.region) throw new TypeError("signing needs an explicit service and region");
    const url = typeof input.url === "string" ? new URL(input.url) : input.url;
    const headers = input.headers instanceof Headers ? input.headers : new Headers(input.headers);
    // The caller's headers (lower-case names, repeated ones combined), read before the signature's own are added:
    // iterating a Headers sorts it, so fewer entries cost less. `host` (the URL's) is sorted in below; a caller's
    // `x-amz-date` is replaced by the signing time, a caller's payload hash and session token are kept.
    const signed: [string, string][] = [["host", url.host]];
    let hash: string | null = null;
    // Bits: 1 the caller sent a session token, 2 an `x-amz-date`, 4 an `authorization` (a header the caller did
    // not send is appended: a `set` also searches the list).
    let sent = 0;
    for (const entry of input.headersEmpty ? NO_HEADERS : headers) {
      const name = entry[0];
      if (name === "x-amz-content-sha256") hash = entry[1];
      else if (name === "x-amz-security-token") sent |= 1;
      else if (name === "authorization") sent |= 4;
      else if (name === "x-amz-date" && !signQuery) {
        sent |= 2;
        continue;
      }
      if (!UNSIGNED.test(name)) signed.push(entry);
    }
    // An empty or short body's hash is ready at once: no await, no trip through the job queue. Bit 8: the hash is
    // fedkit's (S3 then sends it).
    const payload = hash ?? (signQuery && service === "s3" ? "UNSIGNED-PAYLOAD" : payloadHash(input.body));
    if (hash === null) sent |= 8;
    return typeof payload === "string"
      ? complete(input, url, headers, signed, sent, payload)
      : payload.then((value) => complete(input, url, headers, signed, sent, value));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Adds the signature's headers and signs (`sent`: {@link signV4}'s bits). */
function complete(
  input: SignerInput,
  url: URL,
  headers: Headers,
  signed: [string, string][],
  sent: number,
  hash: string,
): SignedRequest | Promise<SignedRequest> {
  const { service, region, datetime, signQuery, sessionToken: token, secretAccessKey } = input;
  const day = datetime.slice(0, 8);
  const scope = `${day}/${region}/${service}/aws4_request`;
  if (sent & 8 && service === "s3" && !signQuery) {
    headers.append("x-amz-content-sha256", hash);
    signed.push(["x-amz-content-sha256", hash]);
  }
  if (!signQuery) {
    if (sent & 2) headers.set("x-amz-date", datetime);
    else headers.append("x-amz-date", datetime);
    signed.push(["x-amz-date", datetime]);
    if (token && !(sent & 1)) {
      headers.append("x-amz-security-token", token);
      signed.push(["x-amz-security-token", token]);
    }
  }
  // Names are unique (Headers combines repeats; the caller's host is not signed): no tie to break. Without the
  // caller's headers the list is host and the signature's own, pushed in order.
  if (!input.headersEmpty) signed.sort(([a], [b]) => (a < b ? -1 : 1));
  let signedHeaders = "";
  let headerLines = "";
  for (let i = 0; i < signed.length; i++) {
    const name = signed[i]![0];
    const value = signed[i]![1];
    signedHeaders += i === 0 ? name : `;${name}`;
    // Header values arrive trimmed (Headers normalizes them); inner runs of whitespace become one space.
    headerLines += `${name}:${/\s/.test(value) ? value.trim().replace(/\s+/g, " ") : value}\n`;
  }
  // Most requests have no query: their URL's searchParams (an object the runtime builds on first access) is
  // never made.
  const query = signQuery || url.search !== "" ? url.searchParams : undefined;
  if (signQuery && query) {
    query.set("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    query.set("X-Amz-Credential", `${input.accessKeyId}/${scope}`);
    query.set("X-Amz-Date", datetime);
    query.set("X-Amz-SignedHeaders", signedHeaders);
    if (token) query.set("X-Amz-Security-Token", token);
  }
  // Pairs sorted by name, then value: NUL sorts before every encoded character, so a name that is a prefix of
  // another comes first, as SigV4 wants.
  const canonicalQuery = query
    ? [...query]
        .map(([name, value]) => `${encode(name)}\0${encode(value)}`)
        .sort()
        .join("&")
        .replace(/\0/g, "=")
    : "";
  const canonicalRequest = `${input.method.toUpperCase()}\n${canonicalPath(url.pathname, service)}\n${canonicalQuery}\n${headerLines}\n${signedHeaders}\n${hash}`;
  const keyId = `${secretAccessKey}\n${scope}`;
  const prefix = `AWS4-HMAC-SHA256\n${datetime}\n${scope}\n`;
  const finish = (signature: string): SignedRequest => {
    if (signQuery) query?.set("X-Amz-Signature", signature);
    else {
      const authorization = `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
      if (sent & 4) headers.set("authorization", authorization);
      else headers.append("authorization", authorization);
    }
    return { url, headers, canonicalRequest };
  };
  const key = input.cache.get(keyId);
  // Hex straight from the hash's words, the canonical request encoded into the hash's own buffer: no byte array
  // per request.
  if (key) return finish(hmacSha256(key, prefix + sha256(canonicalRequest, "hex"), "hex"));
  // A new key (an isolate's first request, a new secret or day) is derived and used with WebCrypto: the script
  // hash runs interpreted until it is warm, and costs a fresh isolate ~1.5 ms more than WebCrypto's native ops
  // (Deno 2.9). Requests that find their key cached hash and sign synchronously: in Deno each WebCrypto call is
  // an async op that costs more than hashing a canonical request (docs/aws.md, "Signing cost").
  return (async () => {
    let derived = utf8(`AWS4${secretAccessKey}`);
    for (const part of [day, region, service, "aws4_request"]) derived = await webHmac(derived, part);
    input.cache.set(keyId, derived);
    return finish(toHex(await webHmac(derived, prefix + (await sha256Hex(canonicalRequest)))));
  })();
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
  constructor(readonly max: number) {
    super();
    if (!(Number.isInteger(max) && max > 0)) throw new TypeError("keyCacheSize must be a positive integer");
  }
  // A key found moves to the end (most recently used); in Deno that costs ~0.04 us.
  override get(key: K): V | undefined {
    const value = super.get(key);
    if (value !== undefined) this.set(key, value);
    return value;
  }
  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.max) super.delete(this.keys().next().value as K);
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
