/// <reference types="node" />
/**
 * Canonical-request building blocks of AWS Signature Version 4, from the server's side: the request arrives already
 * encoded on the wire, so paths and queries are decoded and re-encoded the way the signer encoded them.
 */
import { createHash, createHmac } from "node:crypto";

/** AWS's URI encoding: every byte but `A-Z a-z 0-9 - . _ ~` as `%XX` (upper-case hex); `/` too unless `keepSlash`. */
export function awsUriEncode(value: string, keepSlash = false): string {
  let out = "";
  for (const byte of new TextEncoder().encode(value)) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (keepSlash && c === "/")) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Removes `.` and `..` segments and empty segments, keeping a trailing slash (RFC 3986 §5.2.4, as AWS does). */
function normalizeSegments(segments: readonly string[]): string[] {
  const out: string[] = [];
  for (const s of segments) {
    if (s === "" || s === ".") continue;
    if (s === "..") out.pop();
    else out.push(s);
  }
  return out;
}

/**
 * The canonical URI of a path exactly as it arrived on the wire (percent-encoded, dot segments unresolved).
 *
 * - S3 neither normalises nor double-encodes: each segment is decoded once and re-encoded with AWS's rules, so
 *   `a/../b.txt`, `./`, `//` and `%2e` stay part of the key they name.
 * - Every other service removes `.`, `..` and empty segments and then encodes the wire segments again (the
 *   double encoding every AWS SDK signer applies to non-S3 paths). A signature over the once-encoded path is not
 *   accepted: AWS does not accept it either.
 * @internal
 */
export function canonicalUri(wirePath: string, service: string): string {
  const raw = wirePath === "" ? "/" : wirePath;
  if (service === "s3")
    return raw
      .split("/")
      .map((s) => awsUriEncode(safeDecode(s)))
      .join("/");
  const segments = normalizeSegments(raw.split("/"));
  const trailing = segments.length > 0 && (raw.endsWith("/") || raw.endsWith("/.") || raw.endsWith("/.."));
  return `/${segments.map((s) => awsUriEncode(s)).join("/")}${trailing ? "/" : ""}`;
}

/**
 * The canonical query string: parameters decoded (`+` is a space, as URLSearchParams reads it), AWS-encoded,
 * sorted by name then value; `X-Amz-Signature` left out (it is the signature of a presigned URL).
 * @internal
 */
export function canonicalQuery(search: string): string {
  const pairs: Array<[string, string]> = [];
  for (const part of search.replace(/^\?/, "").split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const name = safeDecode((eq === -1 ? part : part.slice(0, eq)).replace(/\+/g, " "));
    const value = eq === -1 ? "" : safeDecode(part.slice(eq + 1).replace(/\+/g, " "));
    if (name === "X-Amz-Signature") continue;
    pairs.push([awsUriEncode(name), awsUriEncode(value)]);
  }
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join("&");
}

/** Header values for one name, in the order they arrived. @internal */
export type HeaderSource = (name: string) => readonly string[] | undefined;

const collapse = (v: string) => v.trim().replace(/\s+/g, " ");

/**
 * Canonical header blocks for the signed headers: names lower-cased, values trimmed with inner whitespace runs
 * collapsed, repeated header lines joined with `,` (a value that itself contains commas is kept whole). A second
 * candidate exists only for a value with obsolete line folding (a line break inside the value): the 2015 edition of
 * AWS's suite signs each folded line as a separate value, the 2019 edition (and RFC 9112 §5.2) folds to a space.
 * @internal
 */
export function canonicalHeaderBlocks(signed: readonly string[], source: HeaderSource): string[] {
  let primary = "";
  let folded = "";
  for (const name of signed) {
    const values = source(name) ?? [];
    primary += `${name}:${values.map(collapse).join(",")}\n`;
    folded += `${name}:${values
      .flatMap((v) => v.split("\n"))
      .map(collapse)
      .join(",")}\n`;
  }
  return primary === folded ? [primary] : [primary, folded];
}

/** Hex SHA-256. @internal */
export const sha256Hex = (data: string | Uint8Array): string =>
  createHash("sha256").update(data).digest("hex");

/** The SigV4 signing key for a scope, then the hex signature of the string to sign. @internal */
export function signatureFor(
  secret: string,
  scope: { date: string; region: string; service: string },
  stringToSign: string,
): string {
  const kDate = createHmac("sha256", `AWS4${secret}`).update(scope.date).digest();
  const kRegion = createHmac("sha256", kDate).update(scope.region).digest();
  const kService = createHmac("sha256", kRegion).update(scope.service).digest();
  const kSigning = createHmac("sha256", kService).update("aws4_request").digest();
  return createHmac("sha256", kSigning).update(stringToSign).digest("hex");
}
