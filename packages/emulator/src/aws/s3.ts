/// <reference types="node" />
/**
 * The S3 subset of the emulator: PUT/GET/HEAD/DELETE object, HeadBucket and ListObjectsV2, path-style and
 * virtual-host style, every request SigV4-verified against a live STS session and authorised by IAM policy.
 *
 * @packageDocumentation
 */
import { createHash } from "node:crypto";
import type { EmulatorContext } from "../context.js";
import { wireRequest } from "../server.js";
import type { ServiceDefinition } from "../services.js";
import type { S3Object } from "../state.js";
import { authenticate, authorize, type S3Caller } from "./s3-auth.js";
import { listObjects, readListParams } from "./s3-list.js";
import { checkBucketRegion } from "./s3-region.js";
import { S3Error, s3ErrorResponse, s3Headers, s3XmlResponse } from "./s3-xml.js";

/** Bucket and key a request addresses. @internal */
export interface S3Target {
  readonly bucket: string;
  /** Decoded object key; empty for bucket-level requests. */
  readonly key: string;
}

/**
 * The path as the client sent it. S3 keys are literal: `a/../b.txt`, `./x`, `a//b` and `%2e%2e` name keys of their
 * own, so the request-target is read as received, never through the WHATWG URL parser (which resolves them).
 */
function rawPath(request: Request): string {
  const target = wireRequest(request)?.target;
  if (target === undefined) return new URL(request.url).pathname;
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "").split("?")[0]!;
  return path.startsWith("/") ? path : `/${path}`;
}

/**
 * Virtual-host style when the Host is `<bucket>.s3.<anything>`, else path style `/<bucket>/<key>`; the key is the
 * raw path decoded once, with no dot-segment or slash normalisation (as S3 does).
 * @internal
 */
export function s3Target(request: Request): S3Target | undefined {
  const url = new URL(request.url);
  const host = (request.headers.get("host") ?? url.host).replace(/:\d+$/, "");
  const virtual = /^(.+?)\.s3[.-]/.exec(host);
  const path = rawPath(request);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new S3Error(400, "InvalidURI", "Couldn't parse the specified URI.");
    }
  };
  if (virtual) return { bucket: virtual[1]!, key: decode(path.slice(1)) };
  const slash = path.indexOf("/", 1);
  const bucket = decode(slash === -1 ? path.slice(1) : path.slice(1, slash));
  if (!bucket) return undefined;
  return { bucket, key: slash === -1 ? "" : decode(path.slice(slash + 1)) };
}

const objectArn = (t: S3Target) => `arn:aws:s3:::${t.bucket}/${t.key}`;
const bucketArn = (t: S3Target) => `arn:aws:s3:::${t.bucket}`;

function objectHeaders(object: S3Object, requestId: string): Headers {
  return s3Headers(requestId, {
    "content-type": object.contentType,
    "content-length": String(object.body.byteLength),
    etag: object.etag,
    "last-modified": new Date(object.lastModified).toUTCString(),
    "accept-ranges": "bytes",
  });
}

type Handler = (
  ctx: EmulatorContext,
  caller: S3Caller,
  req: Request,
  t: S3Target,
  body: Uint8Array,
  id: string,
) => Response;

/** GET/HEAD of a missing key: S3 says NoSuchKey only to callers who may list the bucket, AccessDenied otherwise. */
function missingKey(ctx: EmulatorContext, caller: S3Caller, req: Request, t: S3Target): never {
  authorize(ctx, caller, req, "s3:ListBucket", bucketArn(t), { "s3:prefix": t.key });
  throw new S3Error(404, "NoSuchKey", "The specified key does not exist.", { Key: t.key });
}

const getObject: Handler = (ctx, caller, req, t, _body, id) => {
  authorize(ctx, caller, req, "s3:GetObject", objectArn(t));
  const object = ctx.state.aws.objects.get(t.bucket)!.get(t.key);
  if (!object) missingKey(ctx, caller, req, t);
  const headers = objectHeaders(object, id);
  return new Response(req.method === "HEAD" ? null : (object.body as Uint8Array<ArrayBuffer>), {
    status: 200,
    headers,
  });
};

const putObject: Handler = (ctx, caller, req, t, body, id) => {
  authorize(ctx, caller, req, "s3:PutObject", objectArn(t));
  const md5 = createHash("md5").update(body);
  const declared = req.headers.get("content-md5");
  if (declared !== null && declared !== md5.copy().digest("base64"))
    throw new S3Error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.");
  const etag = `"${md5.digest("hex")}"`;
  const contentType = req.headers.get("content-type") ?? "binary/octet-stream";
  ctx.state.aws.objects.get(t.bucket)!.set(t.key, { body, contentType, etag, lastModified: ctx.now() });
  return new Response(null, { status: 200, headers: s3Headers(id, { etag }) });
};

const deleteObject: Handler = (ctx, caller, req, t, _body, id) => {
  authorize(ctx, caller, req, "s3:DeleteObject", objectArn(t));
  ctx.state.aws.objects.get(t.bucket)!.delete(t.key);
  return new Response(null, { status: 204, headers: s3Headers(id) });
};

const listBucket: Handler = (ctx, caller, req, t, _body, id) => {
  const query = new URL(req.url).searchParams;
  if (req.method === "HEAD") {
    authorize(ctx, caller, req, "s3:ListBucket", bucketArn(t));
    return new Response(null, {
      status: 200,
      headers: s3Headers(id, {
        "x-amz-bucket-region": ctx.state.aws.bucketRegions.get(t.bucket) ?? "us-east-1",
      }),
    });
  }
  if (query.get("list-type") !== "2")
    throw new S3Error(
      501,
      "NotImplemented",
      "Only ListObjectsV2 (list-type=2) is implemented by the emulator.",
    );
  const params = readListParams(query);
  authorize(ctx, caller, req, "s3:ListBucket", bucketArn(t), {
    "s3:prefix": params.prefix,
    "s3:delimiter": params.delimiter || undefined,
    "s3:max-keys": String(params.maxKeys),
  });
  return s3XmlResponse(
    "ListBucketResult",
    listObjects(t.bucket, ctx.state.aws.objects.get(t.bucket)!, params),
    id,
  );
};

function route(method: string, t: S3Target): Handler {
  if (!t.key) {
    if (method === "GET" || method === "HEAD") return listBucket;
  } else if (method === "GET" || method === "HEAD") return getObject;
  else if (method === "PUT") return putObject;
  else if (method === "DELETE") return deleteObject;
  throw new S3Error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.", {
    Method: method,
    ResourceType: t.key ? "OBJECT" : "BUCKET",
  });
}

/**
 * Creates the S3 request handler over `ctx.state.aws.objects` (buckets seeded from config by the emulator).
 *
 * @example
 * ```ts
 * const s3 = createS3Service(ctx);
 * const response = await s3(new Request(`${urls.s3}/media/a.txt`, { headers: signedHeaders }));
 * ```
 * @public
 */
export function createS3Service(ctx: EmulatorContext): (request: Request) => Promise<Response> {
  return async (request) => {
    const requestId = ctx.requestId();
    try {
      const body = new Uint8Array(await request.arrayBuffer());
      const target = s3Target(request);
      // S3 answers a bucket's region errors before it checks the credentials (the SDKs rely on that to find it).
      const region = target && ctx.state.aws.bucketRegions.get(target.bucket);
      if (target && region) checkBucketRegion(request, target.bucket, region);
      const caller = await authenticate(ctx, request, body);
      if (!target)
        throw new S3Error(501, "NotImplemented", "ListBuckets is not implemented by the emulator.");
      const handler = route(request.method, target);
      if (!ctx.state.aws.objects.has(target.bucket))
        throw new S3Error(404, "NoSuchBucket", "The specified bucket does not exist", {
          BucketName: target.bucket,
        });
      return handler(ctx, caller, request, target, body, requestId);
    } catch (error) {
      if (error instanceof S3Error) return s3ErrorResponse(error, requestId, request.method);
      throw error;
    }
  };
}

/** The S3 listener (`urls.s3`). @internal */
export const s3Service: ServiceDefinition = {
  name: "s3",
  enabled: () => true,
  create: (ctx) => createS3Service(ctx),
};
