/**
 * S3 object keys are literal: `a/../b.txt`, `./x`, `a//b` and `c+d` are all distinct keys. A URL is not: the
 * WHATWG URL parser every fetch runtime uses resolves `.` and `..` segments (also written `%2e`) before fedkit
 * sees a `URL` or `Request`, so `https://b.s3.amazonaws.com/a/../b.txt` would fetch `b.txt`. `s3ObjectUrl`
 * addresses an object by bucket and key, encodes the key exactly as S3 expects, and refuses the keys no fetch
 * can send as written, rather than reach another object.
 *
 * @packageDocumentation
 */
import { FederationError } from "@fedkit/core";
import { checkRegion, partitionOf } from "./partition.js";

/** Where an object lives, by name. @public */
export interface S3ObjectLocation {
  /** The bucket name (3–63 of `a-z 0-9 . -`). */
  readonly bucket: string;
  /** The object key, literally (UTF-8, at most 1024 bytes). */
  readonly key: string;
  /** The bucket's region; it names the endpoint (and must be the region `awsFetch` signs for). */
  readonly region: string;
  /**
   * `virtual-hosted` (`https://<bucket>.s3.<region>.amazonaws.com/<key>`) or `path`
   * (`https://s3.<region>.amazonaws.com/<bucket>/<key>`). Default: virtual-hosted, or path for a bucket with
   * dots (a dotted bucket does not match S3's wildcard TLS certificate).
   */
  readonly style?: "virtual-hosted" | "path";
  /** Use the dual-stack (IPv6) endpoint `s3.dualstack.<region>`. */
  readonly dualstack?: boolean;
  /**
   * An origin to address instead of AWS (the emulator, `http://127.0.0.1:4566`): always path style. Remember
   * to list it in `awsFetch`'s `allowedOrigins`.
   */
  readonly endpoint?: string;
}

const BUCKET = /^(?=.{3,63}$)[a-z0-9][a-z0-9.-]*[a-z0-9]$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;

function refuse(message: string, hint: string): never {
  throw new FederationError("config", `s3ObjectUrl: ${message}`, { provider: "aws", hint });
}

/** The key as S3's canonical URI writes it: every byte but `A-Za-z0-9-._~` percent-encoded, `/` kept. */
function encodeKey(key: string): string {
  return key
    .split("/")
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join("/");
}

function checkKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) {
    refuse("the key is empty", 'Pass the object\'s key, e.g. key: "reports/2024.csv".');
  }
  if (new TextEncoder().encode(key).byteLength > 1024) {
    refuse("the key is longer than 1024 bytes", "S3 keys are at most 1024 bytes of UTF-8.");
  }
  try {
    encodeURIComponent(key);
  } catch {
    refuse("the key has an unpaired surrogate", "S3 keys are UTF-8: pass a well-formed string.");
  }
  const dotted = key.split("/").find((segment) => segment === "." || segment === "..");
  if (dotted !== undefined) {
    refuse(
      `the key has a "${dotted}" segment, which fetch resolves before sending (another object would be reached)`,
      "Such keys cannot be requested through fetch as written. Rename the object, or reach it with a client " +
        "that sends raw paths (the official AWS SDK on Node).",
    );
  }
}

/**
 * The URL of an S3 object, with the key encoded exactly as S3 expects. Refuses (before anything is sent) keys
 * with `.` or `..` segments, which no fetch runtime can send as written, and malformed buckets or regions.
 *
 * @example
 * ```ts
 * const s3 = awsFetch(federation, aws, { service: "s3", region: "eu-west-1" });
 * const url = s3ObjectUrl({ bucket: "reports", key: "2024/Q1 summary+notes.csv", region: "eu-west-1" });
 * // https://reports.s3.eu-west-1.amazonaws.com/2024/Q1%20summary%2Bnotes.csv
 * const res = await s3(url);
 * ```
 * @throws FederationError `config` naming what cannot be addressed and why.
 * @public
 */
export function s3ObjectUrl(location: S3ObjectLocation): string {
  const { bucket, key } = location;
  if (typeof bucket !== "string" || !BUCKET.test(bucket) || bucket.includes("..") || IPV4.test(bucket)) {
    refuse(
      `${JSON.stringify(bucket)} is not an S3 bucket name`,
      "Bucket names are 3-63 characters of a-z, 0-9, '.' and '-', start and end with a letter or digit, " +
        "and are not IP addresses.",
    );
  }
  checkKey(key);
  const region = checkRegion(location.region, "s3ObjectUrl");
  const path = encodeKey(key);
  if (location.endpoint !== undefined) {
    const endpoint = URL.canParse(location.endpoint) ? new URL(location.endpoint) : undefined;
    // A path would be dropped, or would change which object is named: only an origin will do.
    if (
      endpoint === undefined ||
      endpoint.pathname !== "/" ||
      endpoint.search !== "" ||
      endpoint.hash !== ""
    ) {
      refuse(
        `endpoint ${JSON.stringify(location.endpoint)} is not an origin`,
        'Pass an origin, e.g. "http://127.0.0.1:4566".',
      );
    }
    return `${endpoint.origin}/${bucket}/${path}`;
  }
  const suffix = partitionOf(region) === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
  const service = location.dualstack ? `s3.dualstack.${region}` : `s3.${region}`;
  const style = location.style ?? (bucket.includes(".") ? "path" : "virtual-hosted");
  if (style === "virtual-hosted" && bucket.includes(".")) {
    refuse(
      `bucket "${bucket}" has dots, which S3's wildcard certificate does not cover`,
      'Use style: "path" for this bucket.',
    );
  }
  return style === "path"
    ? `https://${service}.${suffix}/${bucket}/${path}`
    : `https://${bucket}.${service}.${suffix}/${path}`;
}
