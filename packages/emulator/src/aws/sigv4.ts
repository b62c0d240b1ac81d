/// <reference types="node" />
/**
 * Verifies AWS Signature Version 4 the way AWS does, for the `Authorization` header and the presigned-URL forms.
 *
 * @packageDocumentation
 */
import { timingSafeEqual } from "node:crypto";
import { wireRequest } from "../server.js";
import {
  canonicalHeaderBlocks,
  canonicalQuery,
  canonicalUri,
  type HeaderSource,
  sha256Hex,
  signatureFor,
} from "./sigv4-canonical.js";
import { type SigV4Failure, sigV4Failure } from "./sigv4-errors.js";
import { parseSigV4, type SigV4Params } from "./sigv4-parse.js";

export type { SigV4Failure, SigV4FailureReason } from "./sigv4-errors.js";
export { sigV4Failure } from "./sigv4-errors.js";

/** What the verifier needs to know about an access key. @public */
export interface SigV4Secret {
  readonly secretAccessKey: string;
  /** Set for temporary credentials: the request must carry exactly this `x-amz-security-token`. */
  readonly sessionToken?: string;
  /** Epoch ms after which the credentials are expired (`ExpiredToken`). */
  readonly expiresAt?: number;
}

/** Options of {@link verifySigV4}. @public */
export interface VerifySigV4Options {
  /** Clock in epoch ms; defaults to `Date.now` at call time. */
  readonly now?: () => number;
  /** The service this endpoint is (`s3`, `sts`, ...): the credential scope must name it. S3 has its own rules. */
  readonly service?: string;
  /** The region this endpoint is: the credential scope must name it. */
  readonly region?: string;
  /** Allowed clock difference for the header form and for a presigned URL's start; default 15 minutes. */
  readonly maxSkewMs?: number;
  /**
   * The headers exactly as received (name, value) pairs, e.g. from Node's `IncomingMessage.rawHeaders`. Without them
   * the `Request` headers are used, where repeated headers are already merged.
   */
  readonly rawHeaders?: ReadonlyArray<readonly [string, string]>;
  /**
   * The request-target exactly as received (`/a/../b.txt?x=1`, e.g. Node's `IncomingMessage.url`). AWS signs the
   * path as sent; `request.url` has been through the WHATWG URL parser, which resolves `.`, `..` and `%2e`
   * segments. Without it the parsed URL is used, which is exact only for paths the parser leaves alone.
   */
  readonly requestTarget?: string;
}

/**
 * The raw request-target and header lines of a request a listener received (nothing for a `Request` built in code),
 * as {@link verifySigV4} options.
 * @internal
 */
export function wireSigV4Options(request: Request): Pick<VerifySigV4Options, "rawHeaders" | "requestTarget"> {
  const wire = wireRequest(request);
  return wire ? { rawHeaders: wire.headers, requestTarget: wire.target } : {};
}

/** A verified request. @public */
export interface SigV4Success<T extends SigV4Secret> {
  readonly ok: true;
  readonly accessKeyId: string;
  /** What `lookup` returned for the access key (e.g. the session). */
  readonly credentials: T;
  readonly scope: { readonly date: string; readonly region: string; readonly service: string };
  readonly signedHeaders: readonly string[];
  readonly presigned: boolean;
  /** Request time (epoch ms) from `X-Amz-Date`/`Date`. */
  readonly requestTime: number;
}

/** The outcome of {@link verifySigV4}. @public */
export type SigV4Verification<T extends SigV4Secret> = SigV4Success<T> | SigV4Failure;

const MAX_PRESIGN_SECONDS = 604_800;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

function parseAmzDate(value: string | undefined): number | undefined {
  const m = value ? AMZ_DATE.exec(value) : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

function headerSource(request: Request, url: URL, raw: VerifySigV4Options["rawHeaders"]): HeaderSource {
  if (raw) {
    const map = new Map<string, string[]>();
    for (const [name, value] of raw)
      map.set(name.toLowerCase(), [...(map.get(name.toLowerCase()) ?? []), value]);
    return (name) => map.get(name) ?? (name === "host" ? [url.host] : undefined);
  }
  return (name) => {
    const value = request.headers.get(name);
    return value !== null ? [value] : name === "host" ? [url.host] : undefined;
  };
}

/** Checks the parts that need no secret: scope, date, signed headers, time window. */
function checkEnvelope(params: SigV4Params, request: Request, options: VerifySigV4Options, now: number) {
  const service = options.service ?? params.scope.service;
  const fail = (reason: Parameters<typeof sigV4Failure>[0], detail?: string) =>
    sigV4Failure(reason, service, detail);
  const time = parseAmzDate(params.amzDate);
  if (time === undefined) return fail("missing_date");
  if (params.scope.date !== params.amzDate!.slice(0, 8))
    return fail("scope_mismatch", "Invalid credential date. Date is not the same as X-Amz-Date.");
  if (options.region && params.scope.region !== options.region) {
    // Each family's own wording: S3's names the expected region, STS's (cloud-custodian#4874) the one sent.
    const region = params.scope.region;
    return {
      ...fail("region_mismatch"),
      message:
        service === "s3"
          ? `The authorization header is malformed; the region '${region}' is wrong; expecting '${options.region}'`
          : `Credential should be scoped to a valid region, not '${region}'. `,
    };
  }
  if (options.service && params.scope.service !== options.service)
    return fail(
      "scope_mismatch",
      `the service '${params.scope.service}' is wrong; expecting '${options.service}'`,
    );
  if (!params.signedHeaders.includes("host")) return fail("headers_not_signed", "host must be signed");
  if (service === "s3") {
    const unsigned = [...request.headers.keys()].filter(
      (h) => h.startsWith("x-amz-") && !params.signedHeaders.includes(h) && h !== "x-amz-security-token",
    );
    if (unsigned.length > 0 && !params.presigned)
      return fail("headers_not_signed", `unsigned: ${unsigned.join(", ")}`);
  }
  const skew = options.maxSkewMs ?? 15 * 60_000;
  if (params.presigned) {
    const expires = Number(params.expires);
    if (!/^\d+$/.test(params.expires ?? "") || expires < 1 || expires > MAX_PRESIGN_SECONDS)
      return fail("invalid_expires");
    if (time - now > skew) return fail("presign_not_yet_valid");
    if (now > time + expires * 1000) return fail("presign_expired");
  } else if (Math.abs(now - time) > skew) return fail("time_skewed");
  return time;
}

/**
 * Verifies a SigV4-signed request (header or presigned-query form) against the secret `lookup` returns for its
 * access key, with AWS's checks and AWS's error for each failure. `body` is the raw request body (for the payload
 * hash). Never throws for a bad request; returns a {@link SigV4Failure} with the code and status to answer.
 *
 * @example
 * ```ts
 * const result = await verifySigV4(request, body, (id) => state.aws.sessions.get(id), {
 *   service: "s3", region: "us-east-1", now: ctx.now,
 * });
 * declare function s3Error(code: string, status: number, message: string): Response; // the service's XML error
 * if (!result.ok) return s3Error(result.code, result.status, result.message);
 * const session = result.credentials;
 * ```
 * @public
 */
export async function verifySigV4<T extends SigV4Secret>(
  request: Request,
  body: Uint8Array,
  lookup: (accessKeyId: string) => T | undefined | Promise<T | undefined>,
  options: VerifySigV4Options = {},
): Promise<SigV4Verification<T>> {
  const now = (options.now ?? Date.now)();
  const url = new URL(request.url);
  const parsed = parseSigV4(request, url);
  if (!parsed.ok) return sigV4Failure(parsed.reason, options.service, parsed.detail);
  const { params } = parsed;
  const service = options.service ?? params.scope.service;
  const time = checkEnvelope(params, request, options, now);
  if (typeof time !== "number") return time;

  const credentials = await lookup(params.accessKeyId);
  if (!credentials) return sigV4Failure("unknown_access_key", service);
  if (credentials.sessionToken !== undefined) {
    if (params.sessionToken === undefined) return sigV4Failure("missing_token", service);
    if (!constantTimeEqual(params.sessionToken, credentials.sessionToken))
      return sigV4Failure("invalid_token", service);
  } else if (params.sessionToken !== undefined) return sigV4Failure("invalid_token", service);
  if (credentials.expiresAt !== undefined && now >= credentials.expiresAt)
    return sigV4Failure("expired_token", service);

  // Payload hash: x-amz-content-sha256 when sent (S3 requires it on the header form; a presigned URL may carry it
  // in its query), else UNSIGNED-PAYLOAD for S3 presigned URLs, else the hash of the body.
  const declared =
    request.headers.get("x-amz-content-sha256") ??
    (params.presigned ? url.searchParams.get("X-Amz-Content-Sha256") : null) ??
    undefined;
  if (service === "s3" && !params.presigned && declared === undefined)
    return sigV4Failure("missing_content_sha256", service);
  if (declared?.startsWith("STREAMING-")) return sigV4Failure("unsupported_payload", service, declared);
  const bodyHash = sha256Hex(body);
  const payloadHash = declared ?? (service === "s3" && params.presigned ? "UNSIGNED-PAYLOAD" : bodyHash);

  const headers = headerSource(request, url, options.rawHeaders);
  const signedList = params.signedHeaders.join(";");
  const scopeText = `${params.scope.date}/${params.scope.region}/${params.scope.service}/aws4_request`;
  let first: { canonicalRequest: string; stringToSign: string } | undefined;
  let matched = false;
  const target = options.requestTarget ?? `${url.pathname}${url.search}`;
  const queryAt = target.indexOf("?");
  const uri = canonicalUri(queryAt === -1 ? target : target.slice(0, queryAt), service);
  const query = canonicalQuery(queryAt === -1 ? "" : target.slice(queryAt));
  for (const block of canonicalHeaderBlocks(params.signedHeaders, headers)) {
    const canonicalRequest = [request.method, uri, query, block, signedList, payloadHash].join("\n");
    const stringToSign = ["AWS4-HMAC-SHA256", params.amzDate, scopeText, sha256Hex(canonicalRequest)].join(
      "\n",
    );
    first ??= { canonicalRequest, stringToSign };
    if (
      constantTimeEqual(
        signatureFor(credentials.secretAccessKey, params.scope, stringToSign),
        params.signature,
      )
    )
      matched = true;
  }
  if (!matched)
    return sigV4Failure("signature_mismatch", service, undefined, {
      AWSAccessKeyId: params.accessKeyId,
      StringToSign: first!.stringToSign,
      SignatureProvided: params.signature,
      CanonicalRequest: first!.canonicalRequest,
    });
  if (declared && /^[0-9a-f]{64}$/i.test(declared) && declared.toLowerCase() !== bodyHash)
    return sigV4Failure("content_sha256_mismatch", service);
  return {
    ok: true,
    accessKeyId: params.accessKeyId,
    credentials,
    scope: params.scope,
    signedHeaders: params.signedHeaders,
    presigned: params.presigned,
    requestTime: time,
  };
}
