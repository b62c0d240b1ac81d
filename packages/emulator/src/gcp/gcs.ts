/**
 * A Cloud Storage JSON API subset: objects get (metadata or `alt=media`), insert (`uploadType=media` and
 * `multipart`), list and delete, each checked against the bucket's IAM bindings for the bearer's principal.
 *
 * @packageDocumentation
 */
import type { EmulatorContext } from "../context.js";
import { isGranted, principalName } from "./iam.js";
import { bearer, gcsError, hasScope, json } from "./respond.js";
import { countCall, type GcpPrincipal, type GcsObject, gcpState, makeObject } from "./state.js";

const READ_SCOPES = [
  "https://www.googleapis.com/auth/cloud-platform.read-only",
  "https://www.googleapis.com/auth/devstorage.read_only",
  "https://www.googleapis.com/auth/devstorage.read_write",
  "https://www.googleapis.com/auth/devstorage.full_control",
];
const WRITE_SCOPES = READ_SCOPES.slice(2);

type Route =
  | { op: "get"; bucket: string; object: string; media: boolean }
  | { op: "list"; bucket: string }
  | { op: "insert"; bucket: string }
  | { op: "delete"; bucket: string; object: string };

function route(request: Request, url: URL): Route | undefined {
  const path = url.pathname;
  const objectPath = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(path);
  if (objectPath) {
    const bucket = decodeURIComponent(objectPath[1]!);
    const object = decodeURIComponent(objectPath[2]!);
    if (request.method === "GET")
      return { op: "get", bucket, object, media: url.searchParams.get("alt") === "media" };
    if (request.method === "DELETE") return { op: "delete", bucket, object };
    return undefined;
  }
  const list = /^\/storage\/v1\/b\/([^/]+)\/o\/?$/.exec(path);
  if (list && request.method === "GET") return { op: "list", bucket: decodeURIComponent(list[1]!) };
  const upload = /^\/upload\/storage\/v1\/b\/([^/]+)\/o\/?$/.exec(path);
  if (upload && request.method === "POST") return { op: "insert", bucket: decodeURIComponent(upload[1]!) };
  return undefined;
}

const PERMISSION = {
  get: "storage.objects.get",
  list: "storage.objects.list",
  insert: "storage.objects.create",
  delete: "storage.objects.delete",
};

function metadata(bucket: string, name: string, obj: GcsObject, base: string): Record<string, unknown> {
  const encoded = encodeURIComponent(name);
  const time = new Date(obj.updated).toISOString();
  return {
    kind: "storage#object",
    id: `${bucket}/${name}/${obj.generation}`,
    selfLink: `${base}/storage/v1/b/${bucket}/o/${encoded}`,
    mediaLink: `${base}/download/storage/v1/b/${bucket}/o/${encoded}?generation=${obj.generation}&alt=media`,
    name,
    bucket,
    generation: String(obj.generation),
    metageneration: "1",
    contentType: obj.contentType,
    storageClass: "STANDARD",
    size: String(obj.body.length),
    md5Hash: obj.md5,
    crc32c: obj.crc32c,
    etag: `${obj.md5.slice(0, 10)}${obj.generation}`,
    timeCreated: time,
    updated: time,
    ...(obj.metadata ? { metadata: obj.metadata } : {}),
  };
}

/** Handles one Cloud Storage request. @internal */
export async function handleGcs(request: Request, ctx: EmulatorContext): Promise<Response> {
  const url = new URL(request.url);
  const target = route(request, url);
  if (!target) return gcsError(404, `Not Found: ${request.method} ${url.pathname}`, "notFound");
  const state = gcpState(ctx);
  countCall(state, `gcs.${target.op}`);
  let principal: GcpPrincipal | undefined;
  if (request.headers.has("authorization")) {
    const token = bearer(request, state, ctx.now());
    if (!token) {
      return gcsError(401, "Invalid Credentials", "authError", {
        locationType: "header",
        location: "Authorization",
      });
    }
    if (!hasScope(token, target.op === "get" || target.op === "list" ? READ_SCOPES : WRITE_SCOPES)) {
      return gcsError(403, "Request had insufficient authentication scopes.", "insufficientPermissions");
    }
    principal = token.principal;
  }
  const bucket = state.buckets.get(target.bucket);
  if (!bucket) return gcsError(404, "The specified bucket does not exist.", "notFound");
  const permission = PERMISSION[target.op];
  if (!isGranted(bucket.bindings, permission, principal)) {
    const who = principal ? principalName(principal) : "Anonymous caller";
    const what = "object" in target ? "the Google Cloud Storage object" : "the Google Cloud Storage bucket";
    return gcsError(
      principal ? 403 : 401,
      `${who} does not have ${permission} access to ${what}. Permission '${permission}' denied on resource (or it may not exist).`,
      principal ? "forbidden" : "required",
    );
  }
  const base = url.origin;
  switch (target.op) {
    case "get": {
      const obj = bucket.objects.get(target.object);
      if (!obj) return gcsError(404, `No such object: ${target.bucket}/${target.object}`, "notFound");
      if (!target.media) return json(200, metadata(target.bucket, target.object, obj, base));
      return new Response(new Uint8Array(obj.body), {
        status: 200,
        headers: {
          "content-type": obj.contentType,
          "x-goog-hash": `crc32c=${obj.crc32c},md5=${obj.md5}`,
          "x-goog-generation": String(obj.generation),
          "x-goog-stored-content-length": String(obj.body.length),
          etag: `"${obj.md5}"`,
        },
      });
    }
    case "list": {
      const prefix = url.searchParams.get("prefix") ?? "";
      const items = [...bucket.objects.entries()]
        .filter(([name]) => name.startsWith(prefix))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, obj]) => metadata(target.bucket, name, obj, base));
      return json(200, { kind: "storage#objects", ...(items.length > 0 ? { items } : {}) });
    }
    case "delete": {
      if (!bucket.objects.delete(target.object)) {
        return gcsError(404, `No such object: ${target.bucket}/${target.object}`, "notFound");
      }
      return new Response(null, { status: 204 });
    }
    case "insert": {
      const upload = await readUpload(request, url);
      if (upload instanceof Response) return upload;
      const previous = bucket.objects.get(upload.name);
      const obj = makeObject(upload.body, upload.contentType, (previous?.generation ?? 0) + 1, ctx.now());
      if (upload.metadata) obj.metadata = upload.metadata;
      bucket.objects.set(upload.name, obj);
      return json(200, metadata(target.bucket, upload.name, obj, base));
    }
  }
}

interface Upload {
  name: string;
  body: Uint8Array;
  contentType: string;
  metadata?: Record<string, string>;
}

async function readUpload(request: Request, url: URL): Promise<Upload | Response> {
  const type = url.searchParams.get("uploadType");
  const body = new Uint8Array(await request.arrayBuffer());
  const contentType = request.headers.get("content-type") ?? "application/octet-stream";
  if (type === "media") {
    const name = url.searchParams.get("name");
    if (!name) return gcsError(400, "Required parameter: name", "required");
    return { name, body, contentType };
  }
  if (type === "multipart") return parseMultipart(body, contentType, url.searchParams.get("name"));
  return gcsError(
    400,
    `Upload type "${type ?? ""}" is not supported by the emulator (use media or multipart).`,
    "invalid",
  );
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** `multipart/related`: a JSON metadata part, then the media part. */
function parseMultipart(body: Uint8Array, contentType: string, queryName: string | null): Upload | Response {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return gcsError(400, "Missing multipart boundary.", "invalid");
  const delimiter = new TextEncoder().encode(`--${boundary}`);
  const parts: Uint8Array[] = [];
  let at = indexOf(body, delimiter, 0);
  while (at >= 0) {
    const next = indexOf(body, delimiter, at + delimiter.length);
    if (next < 0) break;
    parts.push(body.subarray(at + delimiter.length, next));
    at = next;
  }
  const decoded = parts.map((part) => {
    const split = indexOf(part, new TextEncoder().encode("\r\n\r\n"), 0);
    const head = new TextDecoder().decode(part.subarray(0, split));
    let content = part.subarray(split + 4);
    if (content[content.length - 2] === 13 && content[content.length - 1] === 10)
      content = content.subarray(0, -2);
    return { type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim(), content };
  });
  if (decoded.length < 2)
    return gcsError(400, "A multipart upload needs a metadata part and a media part.", "invalid");
  let meta: { name?: unknown; contentType?: unknown; metadata?: unknown };
  try {
    meta = JSON.parse(new TextDecoder().decode(decoded[0]!.content));
  } catch {
    return gcsError(400, "The metadata part is not valid JSON.", "parseError");
  }
  const name = typeof meta.name === "string" ? meta.name : queryName;
  if (!name) return gcsError(400, "Required parameter: name", "required");
  const media = decoded[1]!;
  return {
    name,
    body: media.content.slice(),
    contentType:
      typeof meta.contentType === "string" ? meta.contentType : (media.type ?? "application/octet-stream"),
    ...(meta.metadata && typeof meta.metadata === "object"
      ? { metadata: meta.metadata as Record<string, string> }
      : {}),
  };
}
